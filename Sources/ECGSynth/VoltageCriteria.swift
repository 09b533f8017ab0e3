import Foundation

/// Voltage measurements on noise-free leads that hold only QRS complexes (zero elsewhere), in
/// `LeadProjection.leadNames` order. Used to make the voltage labels true by construction.
struct VoltageCriteria {
    /// S V1 + max(R V5, R V6) (Sokolow & Lyon, Am. Heart J. 37:161, 1949), mV.
    var sokolowLyon: Double
    /// Largest peak-to-peak amplitude among I, II, III, aVR, aVL, aVF (mV).
    var maxLimb: Double
    /// Largest peak-to-peak amplitude among V1–V6 (mV).
    var maxPrecordial: Double
    /// Frontal axis from the net areas of I and aVF (degrees), nil when both are zero.
    var axisDegrees: Double?

    init(qrsLeads l: [[Float]]) {
        func maxOf(_ k: Int) -> Double { Double(l[k].max() ?? 0) }
        func minOf(_ k: Int) -> Double { Double(l[k].min() ?? 0) }
        sokolowLyon = max(0, -minOf(6)) + max(0, max(maxOf(10), maxOf(11)))
        maxLimb = (0..<6).map { maxOf($0) - minOf($0) }.max() ?? 0
        maxPrecordial = (6..<12).map { maxOf($0) - minOf($0) }.max() ?? 0
        let areaI = l[0].reduce(0) { $0 + Double($1) }, areaF = l[5].reduce(0) { $0 + Double($1) }
        axisDegrees = (areaI == 0 && areaF == 0) ? nil : atan2(areaF, areaI) * 180 / Double.pi
    }
}
