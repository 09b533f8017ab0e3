import Foundation
import Testing
@testable import ImagingFormats

@Suite struct PNGVolumeTests {
    @Test func sixteenBitSlicesWithDecreasingOrder() throws {
        let ref = try Fixture.reference("png16")
        let v = try ImageVolumeReader.read(paths: [Fixture.url("png16/volume.json")])[0]
        #expect(v.shape == ref["shape"] as! [Int])
        #expect(v.voxels == (try Fixture.hu("png16")))
        #expect(v.originMM == ref["origin"] as! [Double])
        #expect(v.slicePositionsMM == [44, 47, 50])
        #expect(v.sliceSpacingMM == 3 && v.rowSpacingMM == 0.7 && v.columnSpacingMM == 0.9)
        #expect(v.metadata.bodyPart == "ABDOMEN")
        #expect(v.voxels[0] == -32768 && v.voxels[1] == 32767)
    }

    @Test func folderFindsTheSidecar() throws {
        let vols = try ImageVolumeReader.read(paths: [Fixture.url("png16")])
        #expect(vols.count == 1 && vols[0].slices == 3)
    }

    @Test func eightBitIsReadWithoutGammaConversion() throws {
        let v = try ImageVolumeReader.read(paths: [Fixture.url("png8/only.png")])[0]
        #expect(v.shape == [1, 4, 3])
        #expect(v.voxels == (try Fixture.hu("png8")))
        #expect(v.voxels[0] == 64 * 4 - 1024)
        #expect(v.warnings.contains { $0.contains("8-bit") })
        let png = try GrayPNG.read(Fixture.url("png8/only.png"))
        #expect(png.bitDepth == 8 && png.values[0] == 64)
    }

    @Test func badSidecarsAndFilesAreNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Fixture.url("png16/slice0.png"), to: dir.appendingPathComponent("a.png"))
        try Data("not a png".utf8).write(to: dir.appendingPathComponent("b.png"))
        func sidecar(_ s: String) throws -> URL {
            let u = dir.appendingPathComponent("v\(UUID().uuidString).json")
            try Data(s.utf8).write(to: u)
            return u
        }
        let base = #""format":"vigil-ct-png/1","pixelSpacingMM":[1,1],"orientation":[1,0,0,0,1,0],"originMM":[0,0,0],"rescaleSlope":1,"rescaleIntercept":0,"sliceOrder":"increasing""#
        let notPNG = try sidecar("{\(base),\"slices\":[\"b.png\"]}")
        let e1 = try #require(throws: ImagingError.self) { try ImageVolumeReader.read(paths: [notPNG]) }
        #expect(e1.description.contains("b.png") && e1.description.contains("not a readable PNG"))
        let noSpacing = try sidecar("{\(base),\"slices\":[\"a.png\",\"a.png\"]}")
        let e2 = try #require(throws: ImagingError.self) { try ImageVolumeReader.read(paths: [noSpacing]) }
        #expect(e2.description.contains("sliceSpacingMM"))
        let badOri = try sidecar("{\(base.replacingOccurrences(of: "[1,0,0,0,1,0]", with: "[1,0,0,1,0,0]")),\"slices\":[\"a.png\"]}")
        let e3 = try #require(throws: ImagingError.self) { try ImageVolumeReader.read(paths: [badOri]) }
        #expect(e3.description.contains("orthogonal"))
        let e4 = try #require(throws: ImagingError.self) { try ImageVolumeReader.read(paths: [dir.appendingPathComponent("a.png")]) }
        #expect(e4.description.contains("sidecar"))
    }
}
