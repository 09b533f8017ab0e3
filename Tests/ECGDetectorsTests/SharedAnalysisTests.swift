import DetectorKit
import ECGFormats
import Foundation
import Testing

@testable import ECGDetectors

/// One ECG analysis per record: the rhythm rules and the CNN read the analysis of one ``DetectionRequest``,
/// so it is computed once and every detector reports the same heart rate and QRS duration.
@Suite("Shared ECG analysis")
struct SharedAnalysisTests {
    static func values(_ findings: [Finding], _ names: Set<String>) -> Set<Double> {
        Set(findings.flatMap(\.measurements).filter { names.contains($0.name) }.map(\.value))
    }

    @Test("the rhythm rules and the CNN share one analysis: computed once, one heart rate, one QRS duration")
    func oneAnalysisPerRecord() async throws {
        let record = try CNNFixtures.record()
        let cnn = AnyDetector(try CNNECGDetector(modelDirectory: CNNFixtures.tiny12))
        let rhythm = AnyDetector(RhythmDetector())
        let request = DetectionRequest()
        let cnnFindings = try #require(try await cnn.analyze(record, request: request).findings)
        let rhythmFindings = try #require(try await rhythm.analyze(record, request: request).findings)
        let key = ECGAnalysis.sharedKey(record)
        #expect(request.shared.computations(of: key) == 1)
        #expect(request.shared.computationCount == 1)
        let analysis = try #require(request.shared.cached(key, as: ECGAnalysis.self))
        let m = try #require(analysis.measurements)
        let qrs = try #require(m.qrsMs)
        func tenth(_ v: Double) -> Double { (v * 10).rounded() / 10 }
        // The CNN reports the rate on every label, the rules on several findings: one value between them.
        #expect(Self.values(cnnFindings, ["ventricularRate"]) == [tenth(m.heartRateBpm)])
        #expect(Self.values(rhythmFindings, ["heartRate"]) == [tenth(m.heartRateBpm)])
        #expect(Self.values(cnnFindings, ["qrsDuration"]) == [tenth(qrs)])
        #expect(Self.values(rhythmFindings, ["QRSduration"]) == [tenth(qrs)])
    }

    @Test("without a shared request each detector analyses the record itself and gets the same numbers")
    func unsharedCallsAgree() async throws {
        let record = try CNNFixtures.record()
        let cnn = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        let alone = try #require(try await cnn.analyze(record).findings)
        let request = DetectionRequest()
        _ = try await RhythmDetector().analyze(record, request: request)
        let shared = try #require(try await cnn.analyze(record, request: request).findings)
        #expect(request.shared.computationCount == 1)
        #expect(alone.map(\.measurements) == shared.map(\.measurements))
    }

    @Test("the CNN's supporting measurements are a view of the analysis (rounded as the rules round them)")
    func supportingMeasurementsAreAView() throws {
        let record = try CNNFixtures.record()
        let a = try ECGAnalysis.analyze(record)
        let m = try #require(a.measurements)
        let s = CNNSupportingMeasurements(analysis: a)
        func tenth(_ v: Double?) -> Double? { v.map { ($0 * 10).rounded() / 10 } }
        #expect(s.heartRateBpm == tenth(m.heartRateBpm))
        #expect(s.rrSDMs == tenth(m.rrSDMs))
        #expect(s.rmssdMs == tenth(m.rmssdMs))
        #expect(s.qrsDurationMs == tenth(m.qrsMs))
        #expect(s.qtMs == tenth(m.qtMs))
        // Median beats of every usable lead, on the analysis grid (0.5 s before to 0.65 s after the fiducial).
        #expect(a.medianBeatLeads == a.usableLeads)
        #expect(a.medianBeats.count == 12)
        #expect(a.medianBeats.allSatisfy { $0.count >= Int(1.1 * a.sampleRate) })
        let st = try #require(s.maxSTElevation)
        #expect(a.medianBeatLeads.contains(st.lead))
        // The synthetic record's voltages are ordinary (about 1 mV R waves): Sokolow–Lyon well under 5 mV.
        let sl = try #require(s.sokolowLyonMv)
        #expect(sl > 0.3 && sl < 5, "\(sl)")
        // A record the analysis refuses gives no supporting values, never guessed ones.
        let short = try CNNFixtures.mapped(record) { _, x in Array(x[0..<400]) }
        #expect(CNNSupportingMeasurements(analysis: try ECGAnalysis.analyze(short)) == CNNSupportingMeasurements())
    }

    @Test("the cache key carries the settings: another mains notch is another analysis")
    func settingsAreInTheKey() throws {
        let record = try CNNFixtures.record()
        var notch = ECGAnalysis.Configuration()
        notch.mainsHz = 50
        let cache = SharedAnalyses()
        _ = try ECGAnalysis.shared(record, in: cache)
        _ = try ECGAnalysis.shared(record, in: cache)
        _ = try ECGAnalysis.shared(record, configuration: notch, in: cache)
        #expect(cache.computationCount == 2)
        #expect(ECGAnalysis.sharedKey(record) != ECGAnalysis.sharedKey(record, configuration: notch))
    }
}
