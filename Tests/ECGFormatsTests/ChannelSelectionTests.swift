import Foundation
import Testing
@testable import ECGFormats

// Channel selection: a channel is an ECG lead by its description and unit; other modalities are listed
// as ignored channels; a record without ECG is refused saying so.

@Suite struct ChannelSelectionTests {
    @Test func cinc2014StyleMultimodalRecordKeepsOnlyTheECG() throws {
        // ECG (mV), BP (mmHg), EEG (mV), Resp (NU), SV (ml), SpO2 (%), as in the PhysioNet/CinC 2014 records.
        let r = try Quirks.read("multimodal")
        let ref = try #require(Quirks.reference["multimodal"])
        #expect(ref.signals == ["ECG", "BP", "EEG", "Resp", "SV", "SpO2"])
        #expect(r.rhythm.leads.map(\.name) == ["ECG"])
        #expect(zip(r.rhythm.leads[0].samples, ref.samples[0]).allSatisfy { $0 == Float($1) })
        #expect(r.ignoredChannels == ["BP (mmHg): blood pressure", "EEG (mV): EEG", "Resp (NU): respiration",
                                      "SV (ml): stroke volume / cardiac output", "SpO2 (%): SpO2"])
        #expect(r.summary().ignoredChannels == r.ignoredChannels)
        #expect(r.notes.contains("signal 2 ('EEG') left out: not an ECG channel (EEG)"))
        #expect(r.warnings.isEmpty)   // the fixture's checksums are right
    }

    @Test func recordWithoutECGIsRefusedSayingSo() {
        let e = ecgError { _ = try Quirks.read("no_ecg") }
        #expect(e == .noECGChannel(file: "no_ecg.hea", channels: ["ABP (mmHg): blood pressure", "RESP (NU): respiration"]))
        #expect(e?.description == "no_ecg.hea: no ECG channel: the file's 2 channel(s) are not ECG leads (ABP (mmHg): blood pressure; RESP (NU): respiration)")
        let eeg = ecgError { _ = try Quirks.read("eeg_only_mv") }
        #expect(eeg == .noECGChannel(file: "eeg_only_mv.hea", channels: ["EEG Fpz-Cz (mV): EEG"]))
    }

    @Test(arguments: [
        ("ECG", "mV", true), ("ECG1", "mV", true), ("MLII", "mV", true), ("V5", "uV", true), ("II", nil, true),
        ("aVR", "mV", true), ("CM5", "mV", true), ("D3", "mV", true), ("lead I", "mV", true), ("", "mV", true),
        ("signal 3", "mV", true), ("V", "mV", true),
        ("EEG", "mV", false), ("Fpz-Cz", "uV", false), ("C3-A2", "uV", false), ("EMG", "mV", false),
        ("EOG left", "mV", false), ("BP", "mmHg", false), ("ABP", "mV", false), ("ART", "mmHg", false),
        ("PLETH", "NU", false), ("Resp", "NU", false), ("SpO2", "%", false), ("SV", "ml", false),
        ("ECG", "mmHg", false), ("II", "NU", false), ("CH1", "adu", false),
    ] as [(String, String?, Bool)])
    func classification(label: String, unit: String?, isLead: Bool) {
        #expect((ECGChannelClassifier.classify(label: label, unit: unit) == .ecg) == isLead, "\(label) [\(unit ?? "-")]")
    }

    @Test func csvColumnsThatAreNotLeadsAreLeftOut() throws {
        let text = "# sampling_rate_hz: 125\ntime,II,V,ABP,PLETH,RESP\n0,0.1,0.2,80,0.5,0.3\n0.008,0.2,0.1,81,0.6,0.3\n"
        let r = try CSVECGReader.parse(Data(text.utf8), file: "m.csv")
        #expect(r.rhythm.leads.map(\.name) == ["II", "V"])
        #expect(r.rhythm.leads[1].samples == [0.2, 0.1])
        #expect(r.ignoredChannels == ["ABP: blood pressure", "PLETH: plethysmogram", "RESP: respiration"])
        let none = ecgError { _ = try CSVECGReader.parse(Data("# sampling_rate_hz: 125\nABP,RESP\n1,2\n".utf8), file: "n.csv") }
        #expect(none == .noECGChannel(file: "n.csv", channels: ["ABP: blood pressure", "RESP: respiration"]))
    }
}
