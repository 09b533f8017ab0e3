import Foundation
import Testing
@testable import ECGFormats

@Suite("WFDB bad input: clear errors naming the file, never a crash")
struct WFDBBadInputTests {
    func read(_ name: String, _ options: ECGReadOptions = .init()) -> ECGFormatError? {
        ecgError { _ = try WFDBReader.read(url: Paths.bad.appendingPathComponent("\(name).hea"), options: options) }
    }

    @Test func truncatedData() {
        #expect(read("truncated") == .truncatedData(file: "truncated.dat", expectedBytes: 1028, actualBytes: 100))
    }

    @Test func headerAndDataLengthDisagree() {
        let e = read("extra_bytes")
        #expect({ if case .lengthMismatch("extra_bytes.dat", _)? = e { return true }; return false }())
    }

    @Test func absurdSampleCountRefusedBeforeAllocating() {
        // 900 billion samples: refused from the file size, without allocating.
        let e = read("absurd_count")
        #expect(e == .truncatedData(file: "absurd_count.dat", expectedBytes: 3_600_000_000_000, actualBytes: 1028))
    }

    @Test func unknownFormat() {
        #expect(read("unknown_format") == .unsupported(file: "unknown_format.hea", feature: "signal format 999 in unknown_format.dat"))
    }

    @Test func missingFiles() {
        #expect(read("missing_dat") == .fileNotFound(file: "missing_dat.dat"))
        #expect(read("no_such_record") == .fileNotFound(file: "no_such_record.hea"))
    }

    @Test func checksumMismatchIsAWarningNamingSignalAndValues() throws {
        // wfdb-python and the WFDB library read past a wrong checksum with a warning; so does Vigil.
        let url = Paths.bad.appendingPathComponent("bad_checksum.hea")
        let r = try WFDBReader.read(url: url)
        #expect(r.warnings.count == 1)
        let w = try #require(r.warnings.first)
        #expect(w.hasPrefix("bad_checksum.hea: checksum mismatch for signal 0 'I': header says "))
        var opts = ECGReadOptions()
        opts.verifyChecksums = false
        #expect(try WFDBReader.read(url: url, options: opts).warnings.isEmpty)
        #expect(try WFDBReader.read(url: url, options: opts).rhythm == r.rhythm)
    }

    @Test func malformedHeaders() {
        #expect({ if case .malformedHeader("bad_gain.hea", 2, let r)? = read("bad_gain") { return r.contains("gain") }; return false }())
        #expect({ if case .malformedHeader("too_few_signal_lines.hea", 1, _)? = read("too_few_signal_lines") { return true }; return false }())
        #expect({ if case .malformedHeader("path_escape.hea", _, let r)? = read("path_escape") { return r.contains("plain file name") }; return false }())
        let g = read("garbage")
        #expect(g?.file == "garbage.hea")
        for (text, why) in [("", "no record line"), ("rec x 360", "number of signals"), ("rec 1 -5", "sampling frequency"),
                            ("2 212 / 500", "sampling frequency"), ("r 1 360/(", "counter frequency"), // found by fuzzing
                            ("rec 1 360 abc", "samples per signal"), ("rec 1\nrec.dat", "format"),
                            ("rec 1\nrec.dat 16 200 12 0 x", "initial value"), ("rec 1\nrec.dat 16x0", "samples per frame")] {
            let e = ecgError { _ = try WFDBHeader.parse(text, file: "h.hea") }
            #expect({ if case .malformedHeader("h.hea", _, let r)? = e { return r.contains(why) }; return false }(), "\(text)")
        }
        #expect(ecgError { _ = try WFDBHeader.parse("rec/2 1 360", file: "m.hea") } == .unsupported(file: "m.hea", feature: "multi-segment record 'rec/2'"))
    }

    @Test func annotationDefects() {
        var opts = ECGReadOptions()
        for (name, offset, reason) in [("ann_odd", 2, "odd file length 3"),
                                       ("ann_no_eof", 4, "no end-of-file marker (file truncated?)"),
                                       ("ann_skip_truncated", 0, "SKIP without its 4-byte interval"),
                                       ("ann_aux_overrun", 2, "AUX text of 16 bytes runs past the end")] {
            opts.wfdbAnnotators = nil  // <record>.atr is read when present
            #expect(read(name, opts) == .malformedAnnotation(file: "\(name).atr", byteOffset: offset, reason: reason), "\(name)")
        }
        opts.wfdbAnnotators = ["qrs"]
        #expect(ecgError { _ = try WFDBReader.read(url: Paths.wfdb.appendingPathComponent("fmt16.hea"), options: opts) }
                == .fileNotFound(file: "fmt16.qrs"))
    }

    @Test func fileSizeLimit() {
        var opts = ECGReadOptions()
        opts.maxFileBytes = 100
        #expect({ if case .tooLarge("fmt16.dat", _)? = ecgError({ _ = try WFDBReader.read(url: Paths.wfdb.appendingPathComponent("fmt16.hea"), options: opts) }) { return true }; return false }())
    }

    @Test func errorDescriptionsNameFileAndDefect() {
        let e = ECGFormatError.checksumMismatch(file: "a.hea", signal: "0 'I'", expected: 5, actual: 4)
        #expect(e.description == "a.hea: checksum mismatch for signal 0 'I': header says 5, samples sum to 4")
        #expect(ECGFormatError.truncatedData(file: "a.dat", expectedBytes: 10, actualBytes: 2).description
                == "a.dat: truncated: header needs 10 bytes of samples, file has 2")
    }
}

@Suite("WFDB writer and annotation encoder")
struct WFDBWriterTests {
    @Test func roundTripThroughWriterAndReader() throws {
        let src = try WFDBReader.read(url: Paths.sampleData.appendingPathComponent("synth_annotated.hea"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ecgfmt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let hea = try WFDBWriter.write(record: src, to: dir, name: "copy")
        let back = try WFDBReader.read(url: hea)
        #expect(back.rhythm.leads.map(\.name) == src.rhythm.leads.map(\.name))
        #expect(back.rhythm.samplingRateHz == 360)
        // 212 values are multiples of 1/200 mV; at 1000 adu/mV they are stored exactly (k*5 adu).
        for (a, b) in zip(back.rhythm.leads, src.rhythm.leads) { #expect(a.samples == b.samples) }
        #expect(back.annotations.map(\.symbol) == src.annotations.map(\.symbol))
        #expect(back.annotations.map(\.sample) == src.annotations.map(\.sample))
        #expect(back.annotations.map(\.auxText) == src.annotations.map(\.auxText))
        #expect(back.annotations.map(\.number) == src.annotations.map(\.number))
        #expect(back.annotations.map(\.channel) == src.annotations.map(\.channel))
        #expect(back.annotations.map(\.subtype) == src.annotations.map(\.subtype))
    }

    @Test func nanWrittenAsInvalidAndLargeAmplitudesRescaled() throws {
        let w = try ECGWaveform(kind: .rhythm, samplingRateHz: 100,
                                leads: [ECGLead(name: "I", originalLabel: "I", samples: [0, .nan, 50, -50])])
        let rec = ECGRecord(sourceFormat: .csv, sourceFile: "m", rhythm: w)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ecgfmt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let back = try WFDBReader.read(url: try WFDBWriter.write(record: rec, to: dir))
        #expect(back.rhythm.invalidSampleCounts == ["I": 1])
        #expect(back.rhythm.leads[0].samples[2] == 50 && back.rhythm.leads[0].samples[3] == -50)
        #expect(ecgError { try WFDBWriter.write(record: rec, to: dir, name: "../x") }
                == .invalidValue(file: "../x", field: "WFDB record name", value: "../x"))
    }

    @Test func skipIsUsedForLongGaps() throws {
        let anns = [ECGAnnotation(sample: 10, timeSeconds: 0, code: 1, symbol: "N"),
                    ECGAnnotation(sample: 100_000, timeSeconds: 0, code: nil, symbol: "V")]
        let data = try WFDBAnnotationFile.encode(anns)
        let back = try WFDBAnnotationFile.parse(data, file: "x.atr", samplingRateHz: 250)
        #expect(back.annotations.map(\.sample) == [10, 100_000])
        #expect(back.annotations.map(\.symbol) == ["N", "V"])
        #expect(back.annotations[1].timeSeconds == 400)
        #expect(data.count == 2 + 8 + 2)  // N; SKIP(3 words) + V; end marker
    }
}
