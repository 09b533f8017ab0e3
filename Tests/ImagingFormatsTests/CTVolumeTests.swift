import Foundation
import Randomness
import Testing
@testable import DICOM
@testable import ImagingFormats

@Suite struct RealCTTests {
    @Test(arguments: ["CT_small.dcm", "PancreasCT_0001_slice122_j2k.dcm"])
    func huEqualsPydicomExactly(name: String) throws {
        let ref = try Fixture.reference(name)
        let hu = ref["hu"] as! [String: Any]
        let v = try Fixture.volume(Fixture.sample(name))
        #expect(v.shape == [1] + (ref["shape"] as! [Int]))
        #expect(v.voxels.allSatisfy { $0 == $0.rounded() })
        #expect(Checksums(v.voxels) == Checksums(reference: hu))
        let idx = hu["sampleIndices"] as! [Int], vals = hu["sampleValues"] as! [Int]
        #expect(idx.map { Int(v.voxels[$0]) } == vals)
    }

    @Test func ctSmallGeometryAndMetadata() throws {
        let v = try Fixture.volume(Fixture.sample("CT_small.dcm"))
        #expect(v.rowSpacingMM == 0.661468 && v.columnSpacingMM == 0.661468)
        #expect(v.rowDirection == [1, 0, 0] && v.columnDirection == [0, 1, 0] && v.sliceDirection == [0, 0, 1])
        #expect(v.originMM == [-158.135803, -179.035797, -75.699997])
        #expect(v.sliceSpacingMM == 5.0)  // single slice: Spacing Between Slices
        #expect(v.metadata.modality == "CT")
        #expect(v.metadata.kvp == 120)
        #expect(v.metadata.sliceThicknessMM == 5.0)
        #expect(v.metadata.contrastAgent == "ISOVUE300/100")
        #expect(v.metadata.manufacturer == "GE MEDICAL SYSTEMS")
        #expect(v.metadata.transferSyntaxUID == "1.2.840.10008.1.2.1")
        #expect(v.warnings.isEmpty)
    }

    @Test func pancreasGeometry() throws {
        let v = try Fixture.volume(Fixture.sample("PancreasCT_0001_slice122_j2k.dcm"))
        #expect(v.rowSpacingMM == 0.859375)
        #expect(v.columnDirection == [0, -1, 0])
        #expect(v.sliceDirection == [0, 0, -1])
        #expect(v.originMM == [0, 0, -121])
        #expect(v.metadata.bodyPart == "PANCREAS")
        #expect(v.metadata.kvp == nil && v.metadata.contrastAgent == nil)
    }

    @Test func summaryIsJSONWithoutPatientData() throws {
        let v = try ImageVolumeReader.read(paths: [Fixture.url("series_a")])[0]
        let data = try JSONEncoder().encode(v.summary)
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("Synthetic^Phantom") && !text.contains("Phantom"))
        let back = try JSONDecoder().decode(ImageVolumeSummary.self, from: data)
        #expect(back == v.summary)
        #expect(back.shape == [5, 6, 7])
        #expect(back.minimum == Double(v.voxels.min()!))
    }
}

@Suite struct SeriesAssemblyTests {
    @Test func shuffledMixedSyntaxSeriesIsSortedAndExact() throws {
        let ref = try Fixture.reference("series_a")
        let vols = try ImageVolumeReader.read(paths: [Fixture.url("series_a")])
        #expect(vols.count == 1)  // notes.txt is skipped
        let v = vols[0]
        #expect(v.shape == ref["shape"] as! [Int])
        #expect(v.voxelsSlicesRowsColumns == (try Fixture.hu("series_a")))
        #expect(v.slicePositionsMM == ref["positions"] as! [Double])
        #expect(v.originMM == ref["origin"] as! [Double])
        #expect(v.sliceSpacingMM == 2.5)
        #expect([v.rowSpacingMM, v.columnSpacingMM] == ref["pixelSpacing"] as! [Double])
        #expect(v.warnings.isEmpty)
        #expect(v.metadata.contrastAgent == "IOHEXOL" && v.metadata.bodyPart == "ABDOMEN" && v.metadata.kvp == 120)
        #expect(v[2, 0, 0] == v.voxels[2 * 42])
    }

    @Test func gapIsReportedAndSeriesAreSeparated() throws {
        let vols = try ImageVolumeReader.read(paths: [Fixture.url("series_gap")])
        #expect(vols.count == 2)
        let gap = try #require(vols.first { $0.slices == 4 })
        #expect(gap.sliceSpacingMM == 2.5)
        #expect(gap.warnings.count == 1)
        #expect(gap.warnings.first?.contains("gap: about 1 slice(s) missing between positions -37.5 and -32.5") == true)
        let signed = try #require(vols.first { $0.slices == 2 })
        let ref = try Fixture.reference("series_signed")
        #expect(signed.voxels == (try Fixture.hu("series_signed")))
        #expect(signed.slicePositionsMM == ref["positions"] as! [Double])
        #expect(signed.sliceSpacingMM == 5)
    }

    @Test func bitsStored12SignedMasksHighBitsLikePydicom() throws {
        let v = try Fixture.volume(Fixture.url("bits12_signed_garbage.dcm"))
        #expect(v.voxels == (try Fixture.hu("bits12_signed_garbage.dcm")))
    }

    @Test func enhancedMultiFrameUsesPerFrameGroups() throws {
        let ref = try Fixture.reference("enhanced_ct_3frames.dcm")
        let v = try Fixture.volume(Fixture.url("enhanced_ct_3frames.dcm"))
        #expect(v.shape == [3, 4, 5])
        #expect(v.voxels == (try Fixture.hu("enhanced_ct_3frames.dcm")))
        #expect(v.slicePositionsMM == ref["positions"] as! [Double])
        #expect(v.originMM == ref["origin"] as! [Double])
        #expect(v.rowSpacingMM == 0.5 && v.columnSpacingMM == 0.6)
        #expect(v.sliceDirection == [-1, 0, 0])
        #expect(v.sliceSpacingMM == 1)
        #expect(v.metadata.sliceThicknessMM == 1.0)  // from the Pixel Measures functional group
        #expect(v.sliceSources[0].hasSuffix("#frame1"))
    }

    func plane(_ rows: Int, _ z: Double, orientation: [Double] = [1, 0, 0, 0, 1, 0], spacing: [Double] = [1, 1]) -> Plane {
        Plane(rows: rows, columns: 2, hu: [Float](repeating: 0, count: rows * 2), pixelSpacing: spacing,
              orientation: orientation, position: [0, 0, z], instanceNumber: nil, source: "f\(z)", seriesUID: "1",
              metadata: SeriesMetadata(), spacingBetweenSlices: nil, warnings: [])
    }

    @Test func inconsistentSeriesAreRefused() throws {
        let size = try #require(throws: ImagingError.self) { try SeriesAssembly.assemble([plane(2, 0), plane(3, 1)], name: "s") }
        #expect(size.description.contains("differ in size"))
        let ori = try #require(throws: ImagingError.self) {
            try SeriesAssembly.assemble([plane(2, 0), plane(2, 1, orientation: [0, 1, 0, 0, 0, -1])], name: "s")
        }
        #expect(ori.description.contains("orientation"))
        let sp = try #require(throws: ImagingError.self) {
            try SeriesAssembly.assemble([plane(2, 0), plane(2, 1, spacing: [1, 1.5])], name: "s")
        }
        #expect(sp.description.contains("pixel spacing"))
        let dup = try #require(throws: ImagingError.self) { try SeriesAssembly.assemble([plane(2, 0), plane(2, 0)], name: "s") }
        #expect(dup.description.contains("same position"))
    }

    @Test func unevenSpacingWarns() throws {
        let v = try SeriesAssembly.assemble([plane(2, 0), plane(2, 1), plane(2, 2), plane(2, 3.4), plane(2, 4.4)], name: "s")
        #expect(abs(v.sliceSpacingMM! - 1) < 1e-12)
        #expect(v.warnings == ["uneven slice spacing: 1.4 mm between positions 2.0 and 3.4 mm (median 1.0 mm)"])
    }
}

@Suite struct CompressedPixelTests {
    @Test(arguments: ["jpegls_sv1_1frame.dcm", "jpegls_sv1_2frames_bot.dcm", "jpegls_sv1_2frames_nobot.dcm",
                      "jpegl_p14_pred7_16bit.dcm", "j2k_2frames_signed.dcm"])
    func compressedFramesEqualPydicom(name: String) throws {
        let ref = try Fixture.reference(name)
        let f = try DICOMFile.read(Fixture.url(name))
        let planes = try CTSlices.planes(f)
        let shape = ref["shape"] as! [Int]
        #expect(planes.count == (shape.count == 3 ? shape[0] : 1))
        #expect(planes.flatMap(\.hu) == (try Fixture.hu(name)))
    }

    @Test func jpegDecoderRejectsCorruptStreams() throws {
        let f = try DICOMFile.read(Fixture.url("jpegls_sv1_1frame.dcm"))
        guard case .encapsulated(let enc)? = f.dataSet[.pixelData]?.value else { Issue.record("not encapsulated"); return }
        let good = Array(enc.fragments[0])
        let img = try JPEGLosslessDecoder.decode(good[...], file: "j.dcm", maxSamples: 99)
        #expect(img.width == 11 && img.height == 9 && img.precision == 12)
        // Too large for the caller's expectation: refused from the header.
        #expect(throws: DICOMError.self) { try JPEGLosslessDecoder.decode(good[...], file: "j.dcm", maxSamples: 98) }
        // Truncations and single-byte corruptions: an error or an image, never a crash or hang.
        for cut in stride(from: 0, to: good.count, by: 7) {
            #expect(throws: DICOMError.self) { try JPEGLosslessDecoder.decode(good[0..<cut], file: "j.dcm", maxSamples: 99) }
        }
        var rng = SplitMix64(seed: 12345)  // reproducible corruptions
        var decoded = 0, refused = 0
        for _ in 0..<300 {
            var b = good
            let state = rng.next()
            let at = Int((state >> 33) % UInt64(b.count))
            b[at] = UInt8(truncatingIfNeeded: state >> 17)
            do {
                let img = try JPEGLosslessDecoder.decode(b[...], file: "j.dcm", maxSamples: 99)
                #expect(img.samples.count == img.width * img.height)
                decoded += 1
            } catch is DICOMError { refused += 1 }
        }
        #expect(decoded + refused == 300 && refused > 0)
    }

    @Test func jpeg2000SizeMismatchIsRefusedBeforeDecoding() throws {
        var b = try Fixture.bytes(Fixture.sample("PancreasCT_0001_slice122_j2k.dcm"))
        // (0028,0010) Rows (explicit US in this file): value 512 changed to 256.
        let found = b.firstIndex(of: [0x28, 0x00, 0x10, 0x00, 0x55, 0x53, 2, 0])
        let at = try #require(found)
        b[at + 8] = 0x00; b[at + 9] = 0x01
        let e = try #require(throws: DICOMError.self) { try Fixture.planes(b, name: "rows256.dcm") }
        #expect(e.description.contains("rows256.dcm") && e.description.contains("512x512"))
    }

    @Test func unsupportedCompressionIsNamed() throws {
        var b = try Fixture.bytes(Fixture.url("jpegls_sv1_1frame.dcm"))
        let found = b.firstIndex(of: Array("1.2.840.10008.1.2.4.70".utf8))
        let at = try #require(found)
        b.replaceSubrange(at..<at + 22, with: Array("1.2.840.10008.1.2.4.50".utf8))
        let e = try #require(throws: DICOMError.self) { try Fixture.planes(b, name: "baseline.dcm") }
        #expect(e.kind == .unsupportedTransferSyntax)
        #expect(e.description.contains("1.2.840.10008.1.2.4.50") && e.description.contains("JPEG Baseline"))
    }
}

@Suite struct BadImageTests {
    /// CT_small with Rows / Columns set to 4096: refused against the pixel data length before allocating.
    @Test func absurdDimensionsAreRefusedAgainstPixelDataLength() throws {
        var b = try Fixture.bytes(Fixture.sample("CT_small.dcm"))
        let found = b.firstIndex(of: [0x28, 0x00, 0x10, 0x00, 0x55, 0x53, 2, 0])
        let at = try #require(found)
        b[at + 8] = 0x00; b[at + 9] = 0x10; b[at + 18] = 0x00; b[at + 19] = 0x10
        let e = try #require(throws: DICOMError.self) { try Fixture.planes(b, name: "huge.dcm") }
        #expect(e.kind == .invalidValue)
        #expect(e.description.hasPrefix("huge.dcm") && e.description.contains("4096 rows") && e.description.contains("32768 bytes"))
        // 65535 × 65535 is past the per-file voxel limit whatever the pixel data holds.
        b[at + 8] = 0xFF; b[at + 9] = 0xFF; b[at + 18] = 0xFF; b[at + 19] = 0xFF
        let e2 = try #require(throws: DICOMError.self) { try Fixture.planes(b, name: "huge2.dcm") }
        #expect(e2.kind == .limitExceeded)
    }

    @Test func absurdFrameCountIsRefused() throws {
        // Enhanced file with Number of Frames (IS) rewritten from "3" to a huge value.
        var b = try Fixture.bytes(Fixture.url("enhanced_ct_3frames.dcm"))
        let found = b.firstIndex(of: [0x28, 0x00, 0x08, 0x00, 0x49, 0x53, 2, 0])
        let at = try #require(found)
        b[at + 8] = 0x39; b[at + 9] = 0x39  // "99"
        let e = try #require(throws: DICOMError.self) { try Fixture.planes(b, name: "frames.dcm") }
        #expect(e.description.contains("99 frames"))
        var c = try Fixture.bytes(Fixture.url("jpegls_sv1_2frames_bot.dcm"))
        let found2 = c.firstIndex(of: [0x28, 0x00, 0x08, 0x00, 0x49, 0x53, 2, 0])
        let at2 = try #require(found2)
        c[at2 + 8] = 0x39; c[at2 + 9] = 0x39
        let e2 = try #require(throws: DICOMError.self) { try Fixture.planes(c, name: "frames2.dcm") }
        #expect(e2.description.contains("only 2 fragments"))
    }

    @Test func missingPixelData() throws {
        let b = try Fixture.bytes(Fixture.sample("CT_small.dcm"))
        let found = b.firstIndex(of: [0xE0, 0x7F, 0x10, 0x00])
        let at = try #require(found)
        let e = try #require(throws: DICOMError.self) { try Fixture.planes(Array(b[0..<at]), name: "nopx.dcm") }
        #expect(e.kind == .missingAttribute && e.description.contains("Pixel Data"))
    }

    @Test func missingPositionInASeriesIsRefused() throws {
        let p = Plane(rows: 1, columns: 1, hu: [0], pixelSpacing: [1, 1], orientation: [1, 0, 0, 0, 1, 0], position: nil,
                      instanceNumber: nil, source: "a", seriesUID: "1", metadata: SeriesMetadata(), spacingBetweenSlices: nil, warnings: [])
        let e = try #require(throws: ImagingError.self) { try SeriesAssembly.assemble([p, p], name: "s") }
        #expect(e.description.contains("Image Position"))
    }

    @Test func nonImageDICOMInAFolderIsSkippedButRefusedByName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-dcm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Fixture.sample("CT_small.dcm"), to: dir.appendingPathComponent("ct.dcm"))
        // A DICOM object without Rows or Pixel Data (here: the parser fixture's header-only file, re-used).
        let other = dir.appendingPathComponent("report.dcm")
        let b = try Fixture.bytes(Fixture.sample("CT_small.dcm"))
        let found = b.firstIndex(of: [0x28, 0x00, 0x02, 0x00])  // (0028,0002): everything from here on is cut
        try Data(b[0..<(try #require(found))]).write(to: other)
        let vols = try ImageVolumeReader.read(paths: [dir])
        #expect(vols.count == 1 && vols[0].shape == [1, 128, 128])
        let e = try #require(throws: DICOMError.self) { try ImageVolumeReader.read(paths: [other]) }
        #expect(e.description.contains("report.dcm"))
    }

    @Test func nonexistentPathIsNamed() throws {
        let e = try #require(throws: ImagingError.self) { try ImageVolumeReader.read(paths: [URL(fileURLWithPath: "/nonexistent/x.dcm")]) }
        #expect(e.description.contains("/nonexistent/x.dcm"))
    }
}
