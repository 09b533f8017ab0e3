import Foundation
import Randomness
import Testing
@testable import DICOM
@testable import ImagingFormats

// Corrupted variants of a real anonymised CT slice (blank UIDs, derived from SampleData with pydicom):
// truncations at 80 points and 80 bit flips. Each must decode or be refused with a DICOMError or
// ImagingError, never crash.
@Suite struct BlankUIDCorruptionTests {
    @Test func truncatedAndBitFlippedSlicesAreReadOrRefused() throws {
        let bytes = try Fixture.bytes(Fixture.url("blank_uid/anon_0.dcm"))
        var variants = 0, decoded = 0
        func run(_ b: [UInt8]) {
            variants += 1
            do { _ = try Fixture.planes(b, name: "v.dcm"); decoded += 1 }
            catch is DICOMError {} catch is ImagingError {} catch { Issue.record("unexpected error type: \(error)") }
        }
        for k in 0..<80 { run(Array(bytes.prefix(bytes.count * k / 80))) }
        var rng = SplitMix64(seed: 13)
        func next() -> UInt64 { rng.next() >> 11 }
        for _ in 0..<80 { var b = bytes; let i = Int(next() % UInt64(b.count)); b[i] ^= 1 << UInt8(next() % 8); run(b) }
        #expect(variants == 160)
        #expect(decoded >= 1)
    }
}
