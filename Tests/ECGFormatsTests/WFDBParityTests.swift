import Foundation
import Testing
@testable import ECGFormats

@Suite("WFDB parity with wfdb-python rdrecord/rdann")
struct WFDBParityTests {
    static let fullRecords = ["fmt16", "fmt212", "fmt80", "fmt61", "fmt160", "fmt24", "fmt32",
                              "microvolts", "multifile"]

    @Test(arguments: fullRecords)
    func physicalSamplesMatch(name: String) throws {
        let ref = WFDBReference.record(name)
        let rec = try WFDBReader.read(url: Paths.wfdb.appendingPathComponent("\(name).hea"))
        #expect(rec.sourceFormat == .wfdb)
        #expect(rec.rhythm.samplingRateHz == ref.fs)
        #expect(rec.rhythm.sampleCount == ref.sig_len)
        #expect(rec.rhythm.leads.count == ref.leads.count)
        for (lead, want) in zip(rec.rhythm.leads, ref.leads) {
            #expect(lead.originalLabel == want.label)
            expectSamples(lead.samples[...], want.samples!, "\(name)/\(want.label)")
            #expect((rec.rhythm.invalidSampleCounts[lead.name] ?? 0) == want.nan_count)
        }
    }

    @Test func microvoltsAreConvertedAndInvalidSamplesReported() throws {
        let rec = try WFDBReader.read(url: Paths.wfdb.appendingPathComponent("microvolts.hea"))
        #expect(rec.rhythm.leads.map(\.name) == ["V1", "V2", "V3"])
        #expect(rec.rhythm.leads[2].originalLabel == "v3")
        #expect(rec.rhythm.invalidSampleCounts == ["V1": 2, "V3": 1])
        #expect(rec.rhythm.leads[0].samples[10].isNaN && rec.rhythm.leads[0].samples[11].isNaN)
        // Largest |value| is about 1 mV, not 1000 (µV → mV).
        let maxAbs = rec.rhythm.leads[1].samples.map { abs($0) }.max()!
        #expect(maxAbs > 0.5 && maxAbs < 1.5)
    }

    @Test func multiFileRecordHeaderFields() throws {
        let rec = try WFDBReader.read(url: Paths.wfdb.appendingPathComponent("multifile.hea"))
        #expect(rec.rhythm.leads.map(\.name) == ["MLII", "V5", "aVF"])
        #expect(rec.acquisition.recordID == "multifile")
        #expect(rec.acquisition.startTimeText == "10:30:00 03/02/2001")
        let expected = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"),
                                      year: 2001, month: 2, day: 3, hour: 10, minute: 30).date
        #expect(rec.acquisition.startTime == expected)
        #expect(rec.acquisition.comments == ["synthetic multi-file test record"])
    }

    @Test func samplesPerFrameAreAveraged() throws {
        // wfdb-python averages the digital samples of a frame (truncating toward zero); so does the reader.
        let ref = WFDBReference.record("spf2")
        let rec = try WFDBReader.read(url: Paths.wfdb.appendingPathComponent("spf2.hea"))
        #expect(rec.rhythm.sampleCount == ref.sig_len)
        for (lead, want) in zip(rec.rhythm.leads, ref.leads) {
            expectSamples(lead.samples[...], want.samples!, "spf2/\(want.label)")
        }
        #expect(rec.notes.contains { $0.contains("2 samples per frame") })
    }

    @Test func realMITBIHExcerptMatchesFirstLastAndSums() throws {
        let ref = WFDBReference.record("mitdb208_excerpt")
        let rec = try WFDBReader.read(url: Paths.sampleData.appendingPathComponent("mitdb208_excerpt.hea"))
        #expect(rec.rhythm.samplingRateHz == 360)
        #expect(rec.rhythm.sampleCount == 108_000)
        let lead = rec.rhythm.leads[0]
        let want = ref.leads[0]
        #expect(lead.name == "MLII")
        expectSamples(lead.samples.prefix(want.first!.count), want.first!, "mitdb208 first")
        expectSamples(lead.samples.suffix(want.last!.count), want.last!, "mitdb208 last")
        let sum = lead.samples.reduce(0.0) { $0 + Double($1) }
        // Samples are rounded to Float once (relative error ≤ 2^-24 each); the sum of n of them may differ
        // from numpy's float64 sum by at most n · max|x| · 2^-24.
        let bound = Double(lead.samples.count) * max(abs(want.min), abs(want.max)) * 0x1p-24
        #expect(abs(sum - want.sum) <= bound)
        #expect(Double(lead.samples.min()!) == Double(Float(want.min)))
        #expect(Double(lead.samples.max()!) == Double(Float(want.max)))
        #expect(rec.annotations.isEmpty)
    }

    @Test func annotationsMatchRdann() throws {
        let ref = WFDBReference.record("synth_annotated")
        let rec = try WFDBReader.read(url: Paths.sampleData.appendingPathComponent("synth_annotated.hea"))
        let want = ref.annotations!
        #expect(rec.annotations.count == want.count)
        for (a, w) in zip(rec.annotations, want) {
            #expect(a.sample == w.sample)
            #expect(a.symbol == w.symbol)
            #expect(a.subtype == w.subtype)
            #expect(a.channel == w.chan)
            #expect(a.number == w.num)
            #expect((a.auxText ?? "") == w.aux)
            #expect(a.timeSeconds == Double(w.sample) / 360)
        }
        let rhythm = rec.annotations.filter(\.isRhythmChange).map { $0.auxText ?? "" }
        #expect(rhythm == ["(N", "(AFIB"])
        #expect(rec.annotations.filter(\.isBeat).map(\.symbol) == ["N", "N", "V", "N", "A", "N", "/", "N"])
        // Signals of the same record also match rdrecord (format 212 written by the fixture script).
        for (lead, w) in zip(rec.rhythm.leads, ref.leads) {
            expectSamples(lead.samples.prefix(w.first!.count), w.first!, "synth first \(w.label)")
            expectSamples(lead.samples.suffix(w.last!.count), w.last!, "synth last \(w.label)")
        }
    }

    @Test func sampleCountFromFileSizeAndNonVoltageSignalsLeftOut() throws {
        // Header without a sample count: the data file's length decides (fmt16: 1028 bytes = 257 frames).
        let ref = WFDBReference.record("fmt16")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ecgfmt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Paths.wfdb.appendingPathComponent("fmt16.dat"), to: dir.appendingPathComponent("x.dat"))
        try Data("x 2 500\nx.dat 16 200/mV 16 0 0 0 0 I\nx.dat 16 100/mmHg 16 0 0 0 0 ABP\n".utf8)
            .write(to: dir.appendingPathComponent("x.hea"))
        var opts = ECGReadOptions()
        opts.verifyChecksums = false
        let rec = try WFDBReader.read(url: dir.appendingPathComponent("x.hea"), options: opts)
        #expect(rec.rhythm.sampleCount == 257)
        #expect(rec.rhythm.leads.map(\.name) == ["I"])
        expectSamples(rec.rhythm.leads[0].samples[...], ref.leads[0].samples!, "no-nsamp I")
        #expect(rec.notes.contains { $0.contains("'mmHg' is not a voltage") })

        // Two signals whose labels normalise to the same lead keep distinct names.
        try Data("x 2 500\nx.dat 16 200/mV 16 0 0 0 0 I\nx.dat 16 200/mV 16 0 0 0 0 lead i\n".utf8)
            .write(to: dir.appendingPathComponent("x.hea"))
        let dup = try WFDBReader.read(url: dir.appendingPathComponent("x.hea"), options: opts)
        #expect(dup.rhythm.leads.map(\.name) == ["I", "I#2"])
        #expect(dup.rhythm.leads.map(\.originalLabel) == ["I", "lead i"])
        #expect(dup.notes.contains { $0.contains("named I#2") })
    }

    @Test func headerParsesOptionalFieldsAndDefaults() throws {
        let text = """
        # leading comment
        rec01 2 128/1000(5) 1000 12:00:00.5 01/01/2000
        rec01.dat 212x1:0+0 200(1024)/mV 12 1024 995 0 0 lead II
        rec01.dat 212 0 # inline comment
        """
        let h = try WFDBHeader.parse(text, file: "rec01.hea")
        #expect(h.samplingFrequency == 128 && h.counterFrequency == 1000 && h.samplesPerSignal == 1000)
        #expect(h.baseTime == "12:00:00.5" && h.baseDate == "01/01/2000")
        #expect(h.signals[0].description == "lead II" && h.signals[0].baseline == 1024 && h.signals[0].adcGain == 200)
        #expect(h.signals[1].adcGain == 200 && h.signals[1].units == "mV" && h.signals[1].baseline == 0)
        #expect(h.comments == ["leading comment"])
        #expect(ECGLeadName.normalise(h.signals[0].description) == "II")
    }
}
