import DetectorInputs
import DetectorKit
import Foundation
import ImagingFormats
import Testing
@testable import CTDetector

/// Outside intended use → abstention with the reason, never a score.
@Suite struct IntendedUseTests {
    let detector: CTPancreasDetector

    init() throws { detector = CTPancreasDetector(models: try Fixtures.models("std")) }

    func abstention(_ volume: ImageVolume) throws -> Abstention {
        let outcome = try detector.score(CTStudy(label: "case", volumes: [volume])).outcome
        return try #require(outcome.abstention, "expected an abstention, got \(outcome)")
    }

    @Test func headerFactsOutsideTheCardAbstain() throws {
        var p = Phantom()
        p.metadata = abdomenMetadata(modality: "MR")
        var a = try abstention(p.volume())
        #expect(a.reason == .outsideIntendedUse)
        #expect(a.message.contains("MR"))

        p.metadata = abdomenMetadata(thickness: 7)
        a = try abstention(p.volume())
        #expect(a.reason == .unsupportedAcquisition)
        #expect(a.details["sliceThicknessMM"] == .number(7))

        p.metadata = abdomenMetadata(contrast: "NONE")
        a = try abstention(p.volume())
        #expect(a.reason == .unsupportedAcquisition)
        #expect(a.message.contains("non-contrast"))

        p.metadata = abdomenMetadata(modality: nil)
        a = try abstention(p.volume())
        #expect(a.reason == .inputIncomplete)
    }

    @Test func bodyPartIsAHintNotAVeto() throws {
        // Abdomen pixels: PARTIALBODY (written by many scanners) and even a wrong region are scored, with a note.
        var p = Phantom()
        for part in ["PARTIALBODY", "HEAD", "LEG"] {
            p.metadata = abdomenMetadata(bodyPart: part)
            let r = try detector.score(p.study())
            #expect(r.outcome.findings != nil, "\(part)")
            #expect((r.result?.notes ?? []).contains { $0.contains("Body Part Examined is \(part)") && $0.contains("hint") }, "\(part): \(r.result?.notes ?? [])")
        }
        // Chest pixels labelled HEAD abstain on the pixels; the tag is named as agreeing.
        let labelled = makeVolume(slices: 4, rows: 128, columns: 128, spacingMM: 3, metadata: abdomenMetadata(bodyPart: "HEAD")) { _, y, x in
            if (y * y) / (110 * 110) + (x * x) / (160 * 160) > 1 { return -1000 }
            if (y * y) / (70 * 70) + ((abs(x) - 65) * (abs(x) - 65)) / (50 * 50) <= 1 { return -850 }
            return 40
        }
        let a = try abstention(labelled)
        #expect(a.reason == .outsideIntendedUse)
        #expect(a.message.hasPrefix("Abdomen not in the field of view") && a.message.contains("HEAD"))
        #expect(a.details["bodyPart"] == .string("HEAD"))
    }

    @Test func unknownPixelSpacingAbstains() throws {
        let v = Phantom().volume()
        let unknown = ImageVolume(slices: v.slices, rows: v.rows, columns: v.columns, voxels: v.voxels,
                                  rowSpacingMM: 1, columnSpacingMM: 1, sliceSpacingMM: v.sliceSpacingMM,
                                  rowDirection: v.rowDirection, columnDirection: v.columnDirection, originMM: v.originMM,
                                  slicePositionsMM: v.slicePositionsMM, sliceSources: v.sliceSources, metadata: v.metadata,
                                  warnings: v.warnings, pixelSpacingKnown: false)
        let a = try abstention(unknown)
        #expect(a.reason == .unsupportedAcquisition)
        #expect(a.message.contains("Pixel Spacing"))
    }

    @Test func bodyPartSpellingsAreAccepted() throws {
        var p = Phantom()
        p.metadata = abdomenMetadata(bodyPart: "Chest_Abdomen-Pelvis")
        #expect(try detector.score(p.study()).outcome.findings != nil)
    }

    @Test func chestSlicesAbstain() throws {
        // Body with two large "lungs" (−850 HU) inside it.
        let v = makeVolume(slices: 4, rows: 128, columns: 128, spacingMM: 3) { _, y, x in
            if (y * y) / (110 * 110) + (x * x) / (160 * 160) > 1 { return -1000 }
            if (y * y) / (70 * 70) + ((abs(x) - 65) * (abs(x) - 65)) / (50 * 50) <= 1 { return -850 }
            return 40
        }
        let a = try abstention(v)
        #expect(a.reason == .outsideIntendedUse)
        #expect(a.message.contains("chest"))
        #expect((a.details["internalAirFraction"]?.doubleValue ?? 0) > 0.25)
    }

    @Test func headSlicesAbstain() throws {
        // Skull ring (1000 HU) around brain (35 HU), no fat.
        let v = makeVolume(slices: 4, rows: 128, columns: 128, spacingMM: 1.8) { _, y, x in
            let e = (y * y) / (95 * 95) + (x * x) / (78 * 78)
            if e > 1 { return -1000 }
            return e > 0.8 ? 1000 : 35
        }
        let a = try abstention(v)
        #expect(a.reason == .outsideIntendedUse)
        #expect(a.message.contains("head"))
    }

    @Test func smallObjectsAbstain() throws {
        // A 6 cm water cylinder: a phantom, not an abdomen.
        let v = makeVolume(slices: 4, rows: 64, columns: 64, spacingMM: 1) { _, y, x in y * y + x * x <= 900 ? 0 : -1000 }
        let a = try abstention(v)
        #expect(a.reason == .outsideIntendedUse)
        #expect(a.message.contains("cross-section"))
    }

    @Test func noPancreasFoundAbstains() throws {
        var p = Phantom()
        p.organSlices = 0..<0
        let a = try abstention(p.volume())
        #expect(a.reason == .outsideIntendedUse)
        #expect(a.message.contains("localiser found no pancreas"))
    }

    @Test func emptyStudyAndUnreadablePixelsAbstain() throws {
        let empty = try #require(try detector.score(CTStudy(label: "empty", volumes: [])).outcome.abstention)
        #expect(empty.reason == .inputIncomplete)
        let nan = makeVolume(slices: 2, rows: 32, columns: 32, spacingMM: 10) { _, _, _ in .nan }
        #expect(try abstention(nan).reason == .imageQualityInsufficient)
    }

    @Test func largestPassingSeriesIsScoredAndOthersNamed() throws {
        var scout = Phantom()
        scout.metadata = abdomenMetadata(thickness: 10)
        let study = CTStudy(label: "two", volumes: [scout.volume(), Phantom().volume()])
        let report = try detector.score(study)
        let finding = try #require(report.outcome.findings?.first)
        #expect(report.result?.volumeIndex == 1)
        #expect(finding.evidence.contains(.text("Series 2 of 2 was scored (the largest within intended use).")))
    }

    @Test func missingHeaderFactsAreNotedNotGuessed() throws {
        var p = Phantom()
        p.metadata = abdomenMetadata(bodyPart: nil, thickness: nil, contrast: nil)
        let finding = try #require(try detector.score(p.study()).outcome.findings?.first)
        let texts = finding.evidence.compactMap { if case let .text(t) = $0 { t } else { nil } }
        #expect(texts.contains { $0.contains("Body Part Examined is not recorded") })
        #expect(texts.contains { $0.contains("Contrast is not recorded") })
        #expect(texts.contains { $0.contains("slice spacing (2.5 mm) was checked") })
    }
}
