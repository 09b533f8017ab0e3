import Foundation
import Randomness
import Testing
@testable import DICOM

@Suite struct BadInputTests {
    func expectError(_ bytes: [UInt8], name: String, kind: DICOMError.Kind, mentioning text: String? = nil,
                     limits: DICOMLimits = DICOMLimits(), sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try DICOMFile.parse(bytes, name: name, limits: limits)
            Issue.record("no error for \(name)", sourceLocation: sourceLocation)
        } catch let e as DICOMError {
            #expect(e.kind == kind, "\(e)", sourceLocation: sourceLocation)
            #expect(e.file == name && e.description.hasPrefix(name), sourceLocation: sourceLocation)
            if let text { #expect(e.detail.contains(text), "\(e)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func wrongMagic() {
        expectError([UInt8](repeating: 0x41, count: 300), name: "magic.dcm", kind: .notDICOM, mentioning: "DICM")
        expectError([1, 2, 3], name: "tiny.dcm", kind: .notDICOM)
        expectError([], name: "empty.dcm", kind: .notDICOM)
    }

    @Test func missingTransferSyntax() {
        let meta = Build.explicit(0x0002, 0x0001, "OB", [0, 1])
        let bytes = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + meta
        expectError(bytes, name: "nots.dcm", kind: .missingAttribute, mentioning: "Transfer Syntax")
    }

    @Test func lengthPastEnd() {
        let body = Build.explicit(0x0008, 0x0060, "CS", Build.text("CT")) + Build.explicit(0x0008, 0x0070, "LO", [], length: 5000)
        expectError(Build.file(body: body), name: "long.dcm", kind: .lengthPastEnd, mentioning: "(0008,0070)")
        let px = Build.explicit(0x7FE0, 0x0010, "OW", [1, 2, 3, 4], length: 0x7FFF_FFF0)
        expectError(Build.file(body: px), name: "px.dcm", kind: .lengthPastEnd, mentioning: "(7FE0,0010)")
    }

    @Test func truncatedEverywhereNeverCrashes() throws {
        let full = try Fixture.bytes(Fixture.url("implicit_latin1_undefined_sequences.dcm"))
        var errors = 0, parsed = 0
        for cut in stride(from: 0, to: full.count, by: 3) {
            do {
                _ = try DICOMFile.parse(Array(full[0..<cut]), name: "cut\(cut).dcm")
                parsed += 1
            } catch let e as DICOMError {
                #expect([.notDICOM, .truncated, .lengthPastEnd, .missingAttribute, .malformed].contains(e.kind), "\(e)")
                #expect(e.description.hasPrefix("cut\(cut).dcm"))
                errors += 1
            }
        }
        #expect(errors > parsed)  // most cuts fall inside an element or an open sequence
    }

    @Test func undefinedLengthSequenceThatNeverCloses() {
        let body = Build.explicit(0x0008, 0x1140, "SQ", [], length: Build.undefined)
            + Build.implicit(0xFFFE, 0xE000, [], length: Build.undefined)
            + Build.explicit(0x0008, 0x0070, "LO", Build.text("X"))
        expectError(Build.file(body: body), name: "open.dcm", kind: .truncated, mentioning: "never closed")
        let seqOnly = Build.explicit(0x0008, 0x1140, "SQ", [], length: Build.undefined)
        expectError(Build.file(body: seqOnly), name: "open2.dcm", kind: .truncated, mentioning: "never closed")
    }

    @Test func encapsulatedPixelDataThatNeverCloses() {
        let body = Build.explicit(0x7FE0, 0x0010, "OB", [], length: Build.undefined)
            + Build.implicit(0xFFFE, 0xE000, []) + Build.implicit(0xFFFE, 0xE000, [1, 2, 3, 4])
        expectError(Build.file(ts: "1.2.840.10008.1.2.4.90", body: body), name: "frag.dcm", kind: .truncated, mentioning: "never closed")
    }

    @Test func nestingDepthLimit() {
        var body: [UInt8] = []
        for _ in 0..<40 {
            body += Build.explicit(0x0008, 0x1140, "SQ", [], length: Build.undefined) + Build.implicit(0xFFFE, 0xE000, [], length: Build.undefined)
        }
        expectError(Build.file(body: body), name: "deep.dcm", kind: .limitExceeded, mentioning: "nested")
    }

    @Test func itemCountLimit() {
        var body = Build.explicit(0x0008, 0x1140, "SQ", [], length: Build.undefined)
        for _ in 0..<11 { body += Build.implicit(0xFFFE, 0xE000, []) }
        body += Build.implicit(0xFFFE, 0xE0DD, [])
        var limits = DICOMLimits()
        limits.maxItems = 10
        expectError(Build.file(body: body), name: "items.dcm", kind: .limitExceeded, mentioning: "items", limits: limits)
        #expect(throws: Never.self) { try DICOMFile.parse(Build.file(body: body), name: "items-ok.dcm") }
    }

    @Test func undefinedLengthOnAPlainElement() {
        let body = Build.explicit(0x0008, 0x0070, "UT", [], length: Build.undefined)
        expectError(Build.file(body: body), name: "ut.dcm", kind: .malformed, mentioning: "undefined length")
    }

    @Test func itemTagWhereAnElementShouldBe() {
        let body = Build.implicit(0xFFFE, 0xE000, [1, 2])
        expectError(Build.file(body: body), name: "item.dcm", kind: .malformed, mentioning: "item")
    }

    @Test func garbageVRInExplicitData() {
        let body = Build.explicit(0x0008, 0x0060, "CS", Build.text("CT")) + Build.tag(0x0008, 0x0070) + [0x01, 0x02, 4, 0, 1, 2, 3, 4]
        expectError(Build.file(body: body), name: "vr.dcm", kind: .malformed, mentioning: "VR")
    }

    @Test func fileSizeLimit() {
        var limits = DICOMLimits()
        limits.maxFileBytes = 100
        expectError([UInt8](repeating: 0, count: 200), name: "big.dcm", kind: .limitExceeded, limits: limits)
    }

    /// Seeded random mutations of real and synthetic files: every outcome is a parse or a DICOMError.
    @Test func randomMutationsNeverCrash() throws {
        var rng = SplitMix64(seed: 42)
        let seeds = [try Fixture.bytes(Fixture.url("implicit_latin1_undefined_sequences.dcm")),
                     try Fixture.bytes(Fixture.url("explicit_utf8.dcm")),
                     try Fixture.bytes(Fixture.sample("CT_small.dcm"))]
        var outcomes = [0, 0]
        for i in 0..<1500 {
            var b = seeds[i % seeds.count]
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let at = 132 + Int(rng.next() % UInt64(b.count - 132))
                b[at] = [0x00, 0xFF, 0xFE, UInt8(truncatingIfNeeded: rng.next())][Int(rng.next() % 4)]
            }
            do {
                let f = try DICOMFile.parse(b, name: "m\(i)")
                _ = try? f.dataSet.string(.modality)
                _ = try? f.dataSet.doubles(.pixelSpacing)
                outcomes[0] += 1
            } catch is DICOMError {
                outcomes[1] += 1
            }
        }
        #expect(outcomes[0] + outcomes[1] == 1500)
        #expect(outcomes[1] > 0)
    }
}

