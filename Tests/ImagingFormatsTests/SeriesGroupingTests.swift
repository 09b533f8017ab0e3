import Foundation
import Testing
@testable import ImagingFormats

// Series grouping that survives anonymisation, on slices derived from a real CT slice with pydicom
// (Tools/formats/blank_uid_fixtures.py): blank Study/Series UIDs, one Frame of Reference, shuffled names.
// HU are compared with pydicom's slope*stored+intercept exactly (integers in Float).

@Suite struct SeriesGroupingTests {
    struct Ref: Decodable {
        struct File: Decodable { let position_z: Double; let hu: [Double] }
        let files: [String: File]
        let order: [String]
        let broken_series: String
        let no_pixel_spacing_hu: [Double]
    }
    static func ref() throws -> Ref {
        try JSONDecoder().decode(Ref.self, from: Data(contentsOf: Fixture.url("blank_uid_reference.json")))
    }

    @Test func blankUIDSlicesAreOneVolumeOrderedAlongTheNormal() throws {
        let ref = try Self.ref()
        let dir = Fixture.url("blank_uid")
        let files = ref.order.sorted().map { dir.appendingPathComponent($0) }
        let vols = try ImageVolumeReader.read(paths: files)
        #expect(vols.count == 1)
        let v = try #require(vols.first)
        #expect(v.shape == [5, 32, 32])
        #expect(v.sliceSources.map { URL(fileURLWithPath: $0).lastPathComponent } == ref.order)
        #expect(v.sliceSpacingMM.map { abs($0 - 2.5) < 1e-6 } == true)
        let expected = ref.order.flatMap { ref.files[$0]!.hu.map(Float.init) }
        #expect(v.voxels == expected)
        #expect(v.metadata.seriesInstanceUID == nil)
        #expect(v.warnings.contains { $0.hasPrefix("no Series Instance UID: 5 images grouped by Frame of Reference") })
    }

    @Test func anUnbuildableSeriesDoesNotStopTheOthers() throws {
        let ref = try Self.ref()
        let r = try ImageVolumeReader.readAll(paths: [Fixture.url("blank_uid")])
        #expect(r.volumes.count == 1 && r.volumes.first?.slices == 5)
        #expect(r.failures.count == 1)
        let f = try #require(r.failures.first)
        #expect(f.source == "series \(ref.broken_series)")
        #expect(f.description.contains("same position"))
        // The all-or-nothing entry point still refuses, naming the series.
        let e = try #require(throws: ImagingError.self) { try ImageVolumeReader.read(paths: [Fixture.url("blank_uid")]) }
        #expect(e.description.contains(ref.broken_series))
    }

    @Test func differentGeometryWithoutUIDStaysApart() throws {
        let dir = Fixture.url("blank_uid")
        let a = try Fixture.bytes(dir.appendingPathComponent("anon_0.dcm"))
        var planes = try Fixture.planes(a, name: "a.dcm")
        var p = planes[0]
        p.acquisitionNumber = 2
        planes.append(p)
        #expect(ImageVolumeReader.geometryKey(planes[0]) != ImageVolumeReader.geometryKey(planes[1]))
        p.acquisitionNumber = planes[0].acquisitionNumber
        #expect(ImageVolumeReader.geometryKey(planes[0]) == ImageVolumeReader.geometryKey(p))
    }

    @Test func sliceWithoutPixelSpacingIsReadWithAWarning() throws {
        let ref = try Self.ref()
        let v = try Fixture.volume(Fixture.url("no_pixel_spacing.dcm"))
        #expect(v.shape == [1, 32, 32])
        #expect(!v.pixelSpacingKnown)
        #expect(v.voxels == ref.no_pixel_spacing_hu.map(Float.init))
        #expect(v.warnings.contains { $0.hasPrefix("no Pixel Spacing (0028,0030): pixel size unknown") })
        #expect(v.summary.warnings == v.warnings)
        let withSpacing = try Fixture.volume(Fixture.url("blank_uid/anon_0.dcm"))
        #expect(withSpacing.pixelSpacingKnown)
    }
}
