import Foundation

/// Projection of the heart's 3-D dipole (Frank-like coordinates: x to the patient's left, y towards the
/// feet, z towards the back, in mV) onto the 12 standard leads.
///
/// Leads I, II and V1–V6 are linear in the dipole. The coefficients start from the Dower matrix (Dower,
/// Machado & Osborne, Clin. Cardiol. 3(2):87–95, 1980), which maps Frank X, Y, Z to I, II, V1–V6; each
/// record perturbs them slightly (`jittered`) to imitate electrode placement and torso differences.
/// III, aVR, aVL and aVF are then derived from I and II exactly as Einthoven's and Goldberger's relations
/// require: III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
public struct LeadProjection: Sendable, Equatable {
    /// Rows for I, II, V1…V6 (8 rows × 3 columns: x, y, z).
    public var rows: [SIMD3<Double>]

    /// The standard lead order of every generated record.
    public static let leadNames = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]

    /// The unperturbed Dower coefficients for I, II, V1…V6.
    public static let dower = LeadProjection(rows: [
        SIMD3(0.632, -0.235, 0.059), SIMD3(0.235, 1.066, -0.132),
        SIMD3(-0.515, 0.157, -0.917), SIMD3(0.044, 0.164, -1.387), SIMD3(0.882, 0.098, -1.277),
        SIMD3(1.213, 0.127, -0.601), SIMD3(1.125, 0.127, -0.086), SIMD3(0.831, 0.076, 0.230),
    ])

    /// A copy with each precordial row rotated and scaled a little (electrode placement) and the limb rows
    /// scaled a little (body habitus). `amount` 1 gives about ±8% changes.
    public func jittered(_ rng: inout SeededRandom, amount: Double = 1) -> LeadProjection {
        var out = self
        for k in 0..<rows.count {
            let r = rows[k]
            let norm = (r * r).sum().squareRoot()
            let scale = 1 + 0.06 * amount * rng.normal()
            var p = r * scale
            if k >= 2 { p += SIMD3(rng.normal(), rng.normal(), rng.normal()) * (0.07 * amount * norm) }
            out.rows[k] = p
        }
        return out
    }

    /// Projects the dipole (three arrays of equal length) onto the 12 leads in `leadNames` order.
    /// Leads III, aVR, aVL, aVF are computed from the Float values of I and II.
    public func project(x: [Double], y: [Double], z: [Double]) -> [[Float]] {
        let n = x.count
        var basic = [[Float]](repeating: [Float](repeating: 0, count: n), count: 8)
        for k in 0..<8 {
            let r = rows[k]
            basic[k].withUnsafeMutableBufferPointer { out in
                for i in 0..<n { out[i] = Float(r.x * x[i] + r.y * y[i] + r.z * z[i]) }
            }
        }
        return LeadProjection.assemble(i: basic[0], ii: basic[1], precordial: Array(basic[2...]))
    }

    /// Builds the 12 leads from I, II and V1–V6, deriving III, aVR, aVL, aVF from I and II.
    public static func assemble(i: [Float], ii: [Float], precordial: [[Float]]) -> [[Float]] {
        let n = i.count
        var iii = [Float](repeating: 0, count: n), avr = iii, avl = iii, avf = iii
        for s in 0..<n {
            let a = i[s], b = ii[s]
            iii[s] = b - a
            avr[s] = -(a + b) / 2
            avl[s] = a - b / 2
            avf[s] = b - a / 2
        }
        return [i, ii, iii, avr, avl, avf] + precordial
    }

    /// The value the eight independent leads (I, II, V1–V6) take for a unit dipole along `direction`.
    func response(_ direction: SIMD3<Double>) -> [Double] { rows.map { ($0 * direction).sum() } }

    /// The value all 12 leads take for the dipole `d` (derived leads by the same relations).
    func response12(_ d: SIMD3<Double>) -> [Double] {
        let r = response(d)
        let i = r[0], ii = r[1]
        return [i, ii, ii - i, -(i + ii) / 2, i - ii / 2, ii - i / 2] + Array(r[2...])
    }
}
