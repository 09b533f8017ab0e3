@testable import CTSynth
import Foundation
import ImagingFormats
import Testing

@Suite("PhantomWriter")
struct PhantomWriterTests {
    @Test("a written PNG series reads back through ImageVolumeReader with exact HU, spacing, geometry and metadata")
    func roundTrip() throws {
        var p = TestPhantoms.parameters(seed: 61, slices: 3, spacing: 3.2, matrix: 128)
        p.lesion = .present(diameterMM: 30)
        let s = try PhantomGenerator.generate(p)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctsynth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let row = try PhantomWriter.write(s, name: "phantom-a", into: dir)
        let study = dir.appendingPathComponent("phantom-a")
        let volumes = try ImageVolumeReader.read(paths: [study])
        #expect(volumes.count == 1)  // the label series and phantom.json are not mistaken for CT
        let v = try #require(volumes.first)
        #expect(v.voxels == s.volume.voxels)
        #expect(v.shape == s.volume.shape)
        #expect(v.rowSpacingMM == s.volume.rowSpacingMM && v.columnSpacingMM == s.volume.columnSpacingMM)
        #expect(v.sliceSpacingMM == s.volume.sliceSpacingMM)
        #expect(v.originMM == s.volume.originMM)
        #expect(v.slicePositionsMM == s.volume.slicePositionsMM)
        #expect(v.metadata == s.volume.metadata)
        #expect(v.warnings.isEmpty)
        // labels
        let per = v.rows * v.columns
        let labelSidecar = try JSONDecoder().decode(LabelSidecar.self, from: Data(contentsOf: study.appendingPathComponent("labels/labels.json")))
        #expect(labelSidecar.slices.count == 3)
        for (k, name) in labelSidecar.slices.enumerated() {
            let png = try GrayPNG.read(study.appendingPathComponent("labels").appendingPathComponent(name))
            #expect(png.values.map(UInt8.init) == Array(s.labels[(k * per)..<((k + 1) * per)]))
        }
        let truth = try JSONDecoder().decode(PhantomTruth.self, from: Data(contentsOf: study.appendingPathComponent("phantom.json")))
        #expect(truth == s.truth)
        let lesion = try #require(s.truth.lesion)
        #expect(row == "phantom-a,1,30.00,\(lesion.centerSlice),61")
    }

    @Test("an unwritable destination is reported with its path")
    func unwritable() throws {
        let s = try PhantomGenerator.generate(TestPhantoms.parameters(seed: 62, slices: 1, matrix: 32))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ctsynth-file-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try PhantomWriter.write(s, name: "a", into: file)
            Issue.record("writing under a regular file succeeded")
        } catch {
            #expect("\(error)".contains(file.lastPathComponent))
        }
    }

    @Test("a lesion-free study has an empty lesion column")
    func csvNegative() throws {
        var p = TestPhantoms.parameters(seed: 63, slices: 1, matrix: 32)
        p.lesion = .absent
        let s = try PhantomGenerator.generate(p)
        #expect(PhantomWriter.csvRow(s, name: "n") == "n,0,,,63")
        #expect(!s.labels.contains(PhantomStudy.lesionLabel))
    }
}
