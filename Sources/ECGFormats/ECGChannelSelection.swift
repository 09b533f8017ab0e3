import Foundation

/// What a recorded channel is, decided from its description (label) and unit.
public enum ECGChannelKind: Sendable, Equatable {
    /// An ECG lead.
    case ecg
    /// Another signal, with a short human name of what it is ("EEG", "blood pressure", "SpO2", or
    /// "non-voltage signal" when only the unit says it is not a lead).
    case other(String)
}

/// Channel selection shared by the ECG readers: which channels of a file are ECG leads.
///
/// Multimodal records (polysomnography, ICU monitoring, the PhysioNet/CinC 2014 records with ECG, blood
/// pressure, EEG, respiration, stroke volume and SpO2) hold channels that are voltages but not ECG
/// (EEG, EMG, EOG in mV) and channels in other units. A channel is a lead when
/// 1. its label names a lead or says ECG: the standard and extra leads (`I`…`V6`, `V7`–`V9`, `V3R`…, `MLII`,
///    `CM5`, `X/Y/Z`, `DI`/`DII`/`DIII`), or a word starting with `ECG`/`EKG` (`ECG`, `ECG1`, `ECG lead II`),
///    and its unit is a voltage (or unknown); or
/// 2. its label names nothing (empty, `signal 3`, `CH1`) and its unit is a voltage — a voltage channel of an
///    ECG file, as before.
/// A label naming another modality (EEG, EMG, EOG, BP/ABP/ART/PAP/CVP/ICP, PLETH/PPG, Resp, SpO2/SaO2,
/// SV, CO2, temperature, EDA, accelerometer…, or an EEG montage of 10–20 electrodes such as `Fpz-Cz`) is
/// not a lead whatever its unit; a channel whose unit is not a voltage is not a lead whatever its label.
public enum ECGChannelClassifier {
    /// Classifies one channel. `unit` nil means the file gives none (the reader's default applies).
    public static func classify(label: String, unit: String?) -> ECGChannelKind {
        let words = label.uppercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        let voltage = unit.map { VoltageUnit($0) != nil } ?? true
        if words.contains(where: { $0.hasPrefix("ECG") || $0.hasPrefix("EKG") }) {
            return voltage ? .ecg : .other("non-voltage signal")
        }
        for w in words { if let kind = otherModality[w] { return .other(kind) } }
        if words.count >= 1, words.allSatisfy({ eegElectrodes.contains($0) }),
           !words.contains(where: { leadLike($0) }) {
            return .other("EEG")
        }
        guard voltage else { return .other("non-voltage signal") }
        return .ecg
    }

    /// True when `label` by itself names an ECG lead (not counting bare voltage channels).
    public static func namesLead(_ label: String) -> Bool {
        let words = label.uppercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        if words.contains(where: { $0.hasPrefix("ECG") || $0.hasPrefix("EKG") }) { return true }
        return leadLike(ECGLeadName.normalise(label).uppercased().filter { !" -_.".contains($0) })
    }

    private static func leadLike(_ w: String) -> Bool {
        let key = w.uppercased()
        if ["I", "II", "III", "AVR", "AVL", "AVF", "MLI", "MLII", "MLIII", "X", "Y", "Z", "DI", "DII", "DIII"].contains(key) { return true }
        if key.count >= 2, key.first == "V", Int(key.dropFirst()).map({ (1...9).contains($0) }) == true { return true }
        if key.count >= 3, key.first == "V", key.last == "R", Int(key.dropFirst().dropLast()) != nil { return true }
        for p in ["CM", "CC", "ML", "MV"] where key.hasPrefix(p) && key.count > p.count && Int(key.dropFirst(p.count)) != nil {
            return true
        }
        return false
    }

    /// Words (upper case) that name a non-ECG modality, with the name shown to users.
    static let otherModality: [String: String] = {
        var m: [String: String] = [:]
        for w in ["EEG", "ECOG"] { m[w] = "EEG" }
        for w in ["EMG", "CHIN"] { m[w] = "EMG" }
        for w in ["EOG", "LOC", "ROC"] { m[w] = "EOG" }
        for w in ["BP", "ABP", "ART", "ARTERIAL", "PAP", "CVP", "ICP", "NBP", "NIBP", "IBP", "LAP", "RAP", "UAP", "FAP", "AOBP", "PRESSURE"] {
            m[w] = "blood pressure"
        }
        for w in ["PLETH", "PPG", "PLETHYSMOGRAM"] { m[w] = "plethysmogram" }
        for w in ["RESP", "RESPIRATION", "THOR", "THORAX", "ABDO", "ABDOMEN", "AIRFLOW", "FLOW", "NASAL", "ORONASAL", "SNORE", "IMPEDANCE"] {
            m[w] = "respiration"
        }
        for w in ["SPO2", "SAO2", "SO2", "OXYGEN"] { m[w] = "SpO2" }
        for w in ["SV", "CO", "STROKE"] { m[w] = "stroke volume / cardiac output" }
        for w in ["CO2", "ETCO2", "CAPNO"] { m[w] = "CO2" }
        for w in ["TEMP", "TEMPERATURE"] { m[w] = "temperature" }
        for w in ["EDA", "GSR", "SCL"] { m[w] = "electrodermal activity" }
        for w in ["ACC", "ACCX", "ACCY", "ACCZ", "ACCEL", "POSITION", "POS", "LIGHT", "MARKER", "EVENT", "STATUS", "TRIGGER"] {
            m[w] = "auxiliary channel"
        }
        for w in ["HR", "PULSE", "PULSERATE"] { m[w] = "derived rate" }
        return m
    }()

    /// 10–20 (and 10–10) EEG electrode names, upper case; montages such as `Fpz-Cz`, `C3-A2` consist of them.
    static let eegElectrodes: Set<String> = {
        var s: Set<String> = ["FPZ", "FP1", "FP2", "FZ", "CZ", "PZ", "OZ", "A1", "A2", "M1", "M2", "E1", "E2", "REF"]
        for p in ["F", "C", "P", "O", "T", "AF", "FC", "CP", "PO", "FT", "TP"] { for n in 1...10 { s.insert("\(p)\(n)") } }
        return s
    }()

    /// Splits channels into leads and ignored channels: `ignored` holds "label (unit): kind" for each
    /// channel that is not a lead, in input order.
    static func describeIgnored(label: String, unit: String?, kind: String) -> String {
        let u = unit.map { $0.isEmpty ? "" : " (\($0))" } ?? ""
        return "\(label)\(u): \(kind)"
    }
}
