import Foundation
import Randomness
import Testing
@testable import ECGFormats

// Corrupted variants of the real-file quirk fixtures (CinC 2017-style .hea/.mat, CinC 2014-style multimodal
// record): truncations, bit flips and wrong lengths. Every variant must be read or refused with an
// ECGFormatError, never crash; the run finishing is the no-hang check.

@Suite struct RealQuirkCorruptionTests {
    func attempt(_ name: String, header: Data, data: Data, dataName: String, dir: URL) -> Bool {
        let h = dir.appendingPathComponent("\(name).hea")
        try? header.write(to: h)
        try? data.write(to: dir.appendingPathComponent(dataName))
        do { _ = try WFDBReader.read(url: h); return true } catch is ECGFormatError { return false } catch {
            Issue.record("\(name): not an ECGFormatError: \(error)"); return false
        }
    }

    @Test(arguments: [("cinc2017_style", "cinc2017_style.mat"), ("multimodal", "multimodal.dat")])
    func corruptedVariantsAreReadOrRefused(record: String, dataName: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-corrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = try Data(contentsOf: Quirks.dir.appendingPathComponent("\(record).hea"))
        let data = try Data(contentsOf: Quirks.dir.appendingPathComponent(dataName))
        var variants = 0, read = 0
        func run(_ h: Data, _ d: Data) { variants += 1; if attempt(record, header: h, data: d, dataName: dataName, dir: dir) { read += 1 } }
        // Header truncated at every byte.
        for n in 0..<header.count { run(header.prefix(n), data) }
        // Signal file truncated at 40 points, and one byte too long / short.
        for k in 0..<40 { run(header, data.prefix(data.count * k / 40)) }
        run(header, data + Data([0])); run(header, data.dropLast())
        // 60 single-bit flips in the header, 60 in the signal file, 20 multi-byte garbage runs in the header.
        var mix = SplitMix64(seed: UInt64(record.count))  // deterministic bit positions, so a failure can be reproduced
        for _ in 0..<60 { var h = header; let i = Int(mix.next() % UInt64(h.count)); h[i] ^= 1 << UInt8(mix.next() % 8); run(h, data) }
        for _ in 0..<60 { var d = data; let i = Int(mix.next() % UInt64(d.count)); d[i] ^= 1 << UInt8(mix.next() % 8); run(header, d) }
        for _ in 0..<20 {
            var h = header; let i = Int(mix.next() % UInt64(h.count))
            for j in i..<min(h.count, i + 4) { h[j] = UInt8(truncatingIfNeeded: mix.next()) }
            run(h, data)
        }
        #expect(variants >= 200)
        // The uncorrupted file reads, and single-bit flips in samples still read (checksum becomes a warning).
        #expect(read >= 60)
    }
}
