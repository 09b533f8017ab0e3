import Foundation
import Testing
@testable import DICOM

@Suite struct RealFileTests {
    @Test(arguments: ["CT_small.dcm", "PancreasCT_0001_slice122_j2k.dcm"])
    func matchesPydicom(name: String) throws {
        let ref = try #require(try Fixture.reference()[name])
        let f = try DICOMFile.read(Fixture.sample(name))
        let ds = f.dataSet
        #expect(f.hasPreamble)
        #expect(f.transferSyntax.uid == ref["transferSyntax"] as? String)
        #expect(ds.elements.count == ref["topLevelElementCount"] as? Int)
        #expect(ds.characterSet == ref["characterSet"] as? String)
        #expect(try ds.string(.modality) == ref["modality"] as? String)
        #expect(try ds.string(.seriesInstanceUID) == ref["seriesInstanceUID"] as? String)
        #expect(try ds.string(.studyInstanceUID) == ref["studyInstanceUID"] as? String)
        #expect(try ds.doubles(.imagePositionPatient) == ref["imagePositionPatient"] as? [Double])
        #expect(try ds.doubles(.imageOrientationPatient) == ref["imageOrientationPatient"] as? [Double])
        #expect(try ds.doubles(.pixelSpacing) == ref["pixelSpacing"] as? [Double])
        #expect(try ds.double(.rescaleSlope) == ref["rescaleSlope"] as? Double)
        #expect(try ds.double(.rescaleIntercept) == ref["rescaleIntercept"] as? Double)
        #expect(try ds.int(.rows) == ref["rows"] as? Int)
        #expect(try ds.int(.columns) == ref["columns"] as? Int)
        #expect(try ds.int(.bitsAllocated) == ref["bitsAllocated"] as? Int)
        #expect(try ds.int(.bitsStored) == ref["bitsStored"] as? Int)
        #expect(try ds.int(.pixelRepresentation) == ref["pixelRepresentation"] as? Int)
    }

    @Test func ctSmallExtras() throws {
        let ref = try #require(try Fixture.reference()["CT_small.dcm"])
        let ds = try DICOMFile.read(Fixture.sample("CT_small.dcm")).dataSet
        #expect(try ds.double(.sliceThickness) == ref["sliceThickness"] as? Double)
        #expect(try ds.double(.kvp) == ref["kvp"] as? Double)
        #expect(try ds.string(.contrastBolusAgent) == ref["contrastBolusAgent"] as? String)
        #expect(try ds.string(.manufacturer) == ref["manufacturer"] as? String)
        // Private elements keep their explicit VR and read as typed numbers.
        #expect(try ds.int(DICOMTag(0x0019, 0x1057)) == ref["privateSS_0019_1057"] as? Int)
        #expect(try ds.double(DICOMTag(0x0021, 0x1092)) == ref["privateFL_0021_1092"] as? Double)
        #expect(try ds.double(DICOMTag(0x0023, 0x1070)) == ref["privateFD_0023_1070"] as? Double)
        guard case .bytes(let px)? = ds[.pixelData]?.value else { Issue.record("no native pixel data"); return }
        #expect(px.count == 128 * 128 * 2)
    }

    @Test func unElementsAreReReadWithDictionaryVR() throws {
        let f = try DICOMFile.read(Fixture.sample("PancreasCT_0001_slice122_j2k.dcm"))
        #expect(f.dataSet[.rows]?.vr == .US)
        #expect(f.dataSet[.pixelSpacing]?.vr == .DS)
        #expect(f.dataSet[.imageType]?.vr == .CS)
        #expect(try f.dataSet.strings(.imageType) == ["ORIGINAL", "PRIMARY", "AXIAL"])
        // The private element (0013,1010) has no dictionary VR and stays UN.
        #expect(f.dataSet[DICOMTag(0x0013, 0x1010)]?.vr == .UN)
        guard case .encapsulated(let enc)? = f.dataSet[.pixelData]?.value else {
            Issue.record("pixel data not encapsulated"); return
        }
        #expect(enc.fragments.count >= 1)
        #expect(enc.fragments[0].prefix(2) == [0xFF, 0x4F])  // J2K SOC marker
    }
}

@Suite struct SyntheticFileTests {
    @Test func implicitLatin1UndefinedLengthSequences() throws {
        let ref = try #require(try Fixture.reference()["implicit_latin1_undefined_sequences.dcm"])
        let f = try DICOMFile.read(Fixture.url("implicit_latin1_undefined_sequences.dcm"))
        #expect(f.transferSyntax == .implicitVRLittleEndian)
        let ds = f.dataSet
        #expect(ds.elements.count == ref["topLevelElementCount"] as? Int)
        #expect(try ds.string(DICOMTag(0x0008, 0x0080)) == ref["institutionName"] as? String)
        let items = try #require(try ds.sequence(DICOMTag(0x0008, 0x1140)))
        #expect(items.count == ref["sequenceItems"] as? Int)
        #expect(try items[0].string(.manufacturer) == ref["itemManufacturer"] as? String)
        let inner = try #require(try items[0].sequence(DICOMTag(0x0008, 0x2218)))
        #expect(try inner[0].string(DICOMTag(0x0008, 0x0104)) == ref["innerCodeMeaning"] as? String)
        #expect(items[1].elements.isEmpty)
        #expect(try ds.doubles(DICOMTag(0x0028, 0x1050)) == ref["windowCenter"] as? [Double])
        // Private creator read as LO, private data skipped as raw bytes.
        #expect(try ds.string(DICOMTag(0x0009, 0x0010)) == "VIGIL")
        #expect(ds[DICOMTag(0x0009, 0x1010)]?.vr == .UN)
        #expect(ds.bytes(DICOMTag(0x0009, 0x1010)).map(Array.init) == Array("VIGIL PRIVATE ".utf8))
        #expect(ds.bytes(DICOMTag(0x0009, 0x1011)).map(Array.init) == [1, 2, 3, 4])
    }

    @Test func explicitUTF8AndBinaryVRs() throws {
        let ref = try #require(try Fixture.reference()["explicit_utf8.dcm"])
        let ds = try DICOMFile.read(Fixture.url("explicit_utf8.dcm")).dataSet
        #expect(ds.characterSet == "ISO_IR 192")
        #expect(ds.elements.count == ref["topLevelElementCount"] as? Int)
        #expect(try ds.string(.seriesDescription) == ref["seriesDescription"] as? String)
        let items = try #require(try ds.sequence(DICOMTag(0x0008, 0x1115)))
        #expect(try items[0].string(.seriesDescription) == ref["innerSeriesDescription"] as? String)
        #expect(try ds.double(DICOMTag(0x0018, 0x9345)) == ref["ctdiVol"] as? Double)
        #expect(try ds.double(DICOMTag(0x0018, 0x9327)) == ref["tablePosition"] as? Double)
        #expect(try ds.int(DICOMTag(0x0028, 0x0106)) == ref["smallestImagePixelValue"] as? Int)
        #expect(try ds.int(DICOMTag(0x0018, 0x1150)) == ref["exposureTime"] as? Int)
    }

    @Test func fileWithoutPreambleIsReadAndSaysSo() throws {
        let a = try DICOMFile.read(Fixture.url("explicit_utf8.dcm"))
        let b = try DICOMFile.read(Fixture.url("no_preamble.dcm"))
        #expect(!b.hasPreamble)
        #expect(b.notes.contains { $0.contains("preamble") })
        #expect(b.dataSet.elements.count == a.dataSet.elements.count)
        #expect(try b.dataSet.string(.seriesDescription) == a.dataSet.string(.seriesDescription))
    }

    @Test(arguments: [
        ("big_endian_header.dcm", "1.2.840.10008.1.2.2"),
        ("deflated_header.dcm", "1.2.840.10008.1.2.1.99"),
        ("unknown_ts_header.dcm", "1.2.3.4.5.6.7"),
    ])
    func refusedTransferSyntaxNamesIt(name: String, uid: String) throws {
        let url = Fixture.url(name)
        let e = try #require(throws: DICOMError.self) { try DICOMFile.read(url) }
        #expect(e.kind == .unsupportedTransferSyntax)
        #expect(e.description.contains(uid))
        #expect(e.description.contains(url.path))
    }

    @Test func mislabelledVREncodingIsDetectedAndNoted() throws {
        // Declared explicit VR, written implicit VR.
        let implicitBody = Build.implicit(0x0008, 0x0060, Build.text("CT")) + Build.implicit(0x0028, 0x0010, Build.le16(512))
        let a = try DICOMFile.parse(Build.file(ts: "1.2.840.10008.1.2.1", body: implicitBody), name: "a.dcm")
        #expect(a.notes.contains { $0.contains("data set is implicit VR") })
        #expect(try a.dataSet.string(.modality) == "CT" && a.dataSet.int(.rows) == 512)
        // Declared implicit VR, written explicit VR.
        let explicitBody = Build.explicit(0x0008, 0x0060, "CS", Build.text("CT")) + Build.explicit(0x0028, 0x0010, "US", Build.le16(512))
        let b = try DICOMFile.parse(Build.file(ts: "1.2.840.10008.1.2", body: explicitBody), name: "b.dcm")
        #expect(b.notes.contains { $0.contains("data set is explicit VR") })
        #expect(try b.dataSet.string(.modality) == "CT" && b.dataSet.int(.rows) == 512)
    }

    @Test func dictionary() {
        #expect(DICOMDictionary.vr(of: .rows) == .US)
        #expect(DICOMDictionary.vr(of: .pixelData) == .OW)
        #expect(DICOMDictionary.vr(of: .perFrameFunctionalGroupsSequence) == .SQ)
        #expect(DICOMDictionary.vr(of: DICOMTag(0x0009, 0x0010)) == .LO)
        #expect(DICOMDictionary.vr(of: DICOMTag(0x0009, 0x1010)) == nil)
        #expect(DICOMDictionary.vr(of: DICOMTag(0x0028, 0x0000)) == .UL)
    }

    @Test func accessorsRefuseMalformedValues() throws {
        let body = Build.explicit(0x0018, 0x0050, "DS", Build.text("abc")) + Build.explicit(0x0028, 0x0010, "US", [1, 2, 3])
            + Build.explicit(0x0028, 0x0030, "DS", Build.text("0.5\\\\0.5"))
        let f = try DICOMFile.parse(Build.file(body: body), name: "bad-values.dcm")
        let e1 = try #require(throws: DICOMError.self) { try f.dataSet.double(.sliceThickness) }
        #expect(e1.kind == .invalidValue && e1.description.contains("bad-values.dcm") && e1.description.contains("(0018,0050)"))
        let e2 = try #require(throws: DICOMError.self) { try f.dataSet.int(.rows) }
        #expect(e2.description.contains("multiple of 2"))
        #expect(throws: DICOMError.self) { try f.dataSet.doubles(.pixelSpacing) }
        #expect(try f.dataSet.string(.modality) == nil)
    }

    @Test func nonASCIITextWithoutCharacterSetIsRefused() throws {
        let f = try DICOMFile.parse(Build.file(body: Build.explicit(0x0008, 0x0080, "LO", [0x48, 0xF4])), name: "cs.dcm")
        let e = try #require(throws: DICOMError.self) { try f.dataSet.string(DICOMTag(0x0008, 0x0080)) }
        #expect(e.kind == .unsupportedCharacterSet)
        let g = try DICOMFile.parse(Build.file(body: Build.explicit(0x0008, 0x0005, "CS", Build.text("ISO_IR 144"))
            + Build.explicit(0x0008, 0x0080, "LO", [0x48, 0xF4])), name: "cs2.dcm")
        let e2 = try #require(throws: DICOMError.self) { try g.dataSet.string(DICOMTag(0x0008, 0x0080)) }
        #expect(e2.description.contains("ISO_IR 144"))
    }
}
