import ContentHash
import DetectorKit
import FHIRExport
import FindingsStore
import Foundation

/// Builds HL7 v2.5.1 ORU^R01 messages (unsolicited observation results), one per stored input:
///
/// - `MSH`: sending application `VIGIL`, receiving application/facility as configured, message type
///   `ORU^R01^ORU_R01`, version `2.5.1`, character set `UNICODE UTF-8`; original-mode acknowledgement.
/// - `PID` (only when the source gave a patient identifier; ORU_R01's PATIENT group is optional):
///   PID-3 = the pseudonymous id (type `PI`). Names are not kept by the store, so PID-5 is empty.
/// - one `OBR` per detector (run) that recorded a result: OBR-3 filler order number = input digest
///   prefix + detector, namespace `VIGIL`; OBR-4 = the detector (`99VIGIL` local coding system); OBR-7 =
///   acquisition time; OBR-22 = when the result was made; OBR-24 = `EC` / `CT` (table 0074); OBR-25 =
///   `F` (final) or `X` (no result: the input could not be processed).
/// - `NTE` after the OBR: research-use statement, synthetic-training statement and the model card's
///   limitations when the card is known.
/// - per finding, OBX segments sharing one sub-id (OBX-4): the coded finding (CWE; value = decision as
///   HL7 table 0078 `POS`/`NEG`/`IND`, also in OBX-8), the calibrated probability (NM, UCUM `1`), the
///   operating threshold (NM, UCUM `1`) and each measurement (NM, its UCUM unit); OBX-11 `F`, OBX-14 the
///   acquisition time, OBX-17 the detector, OBX-18 the model weights digest, OBX-19 when it was analysed.
/// - an abstention: OBX (CWE) `abstention` with the reason as value, then NTE with the message.
public struct ORUBuilder: Sendable {
    /// MSH-5 / MSH-6.
    public var receivingApplication: String?
    public var receivingFacility: String?
    /// MSH-4.
    public var sendingFacility: String?
    /// MSH-11: `P` production, `T` training, `D` debugging.
    public var processingID: String
    /// Model cards by model name and version, for the limitations NTEs.
    public var modelCards: [ModelCard]
    /// MSH-7, the message time.
    public var timestamp: Date

    /// Vigil's local coding system (HL7 table 0396 `99zzz` form).
    public static let localSystem = "99VIGIL"

    /// Creates a builder.
    public init(receivingApplication: String? = nil, receivingFacility: String? = nil, sendingFacility: String? = nil,
                processingID: String = "P", modelCards: [ModelCard] = [], timestamp: Date = Date())
    {
        self.receivingApplication = receivingApplication
        self.receivingFacility = receivingFacility
        self.sendingFacility = sendingFacility
        self.processingID = processingID
        self.modelCards = modelCards
        self.timestamp = timestamp
    }

    typealias E = HL7Encoding

    /// The ORU^R01 of one stored input (``FHIRExport/StoredInputResults``); nil when nothing is recorded for it.
    public func message(for stored: StoredInputResults) -> HL7Message? {
        message(input: stored.input, findings: stored.findings.map(\.finding),
                abstentions: stored.abstentions.map(\.abstention), errors: stored.errors)
    }

    /// The ORU^R01 of one input; nil when nothing is recorded for it.
    public func message(input: StoredInput, findings: [Finding], abstentions: [Abstention],
                        errors: [(error: StoredError, detector: DetectorProvenance)]) -> HL7Message?
    {
        if findings.isEmpty && abstentions.isEmpty && errors.isEmpty { return nil }
        let stamp = E.timestamp(timestamp)
        let control = String(SHA256Digest.hex(of: Data("oru|\(input.contentSHA256)|\(stamp)".utf8)).prefix(20))
        var msh = HL7Segment("MSH", [E.encodingCharacters])
        msh.set(2, "VIGIL")
        msh.set(3, E.escape(sendingFacility ?? ""))
        msh.set(4, E.escape(receivingApplication ?? ""))
        msh.set(5, E.escape(receivingFacility ?? ""))
        msh.set(6, stamp)
        msh.set(8, "ORU^R01^ORU_R01")
        msh.set(9, control)
        msh.set(10, E.escape(processingID))
        msh.set(11, "2.5.1")
        msh.set(17, "UNICODE UTF-8")
        var segments = [msh]
        if let pid = input.patientID {
            var s = HL7Segment("PID", [])
            s.set(1, "1")
            s.set(3, E.components([pid, nil, nil, nil, "PI"]))
            segments.append(s)
        }

        var detectors: [DetectorProvenance] = []
        for p in findings.map(\.detector) + abstentions.map(\.detector) + errors.map(\.detector) where !detectors.contains(p) {
            detectors.append(p)
        }
        let section = input.kind == .ecg ? "EC" : input.kind == .ctStudy ? "CT" : ""
        let acquired = input.acquiredAt.map(E.timestamp) ?? ""
        var obrN = 0, obxN = 0
        for p in detectors {
            obrN += 1
            let mine = findings.filter { $0.detector == p }
            let abst = abstentions.filter { $0.detector == p }
            let failed = mine.isEmpty && abst.isEmpty
            var obr = HL7Segment("OBR", [])
            obr.set(1, String(obrN))
            obr.set(3, E.components([String(input.contentSHA256.prefix(16)) + "-" + p.id, "VIGIL"]))
            obr.set(4, E.components([p.id, "Vigil \(p.id) \(p.version)", Self.localSystem]))
            obr.set(7, acquired)
            let made = (mine.map(\.createdAt) + abst.map(\.createdAt)).max()
                ?? errors.filter { $0.detector == p }.map(\.error.recordedAt).max()
            obr.set(22, made.map(E.timestamp) ?? "")
            obr.set(24, section)
            obr.set(25, failed ? "X" : "F")
            segments.append(obr)
            var nte = 0
            func note(_ text: String) {
                nte += 1
                var s = HL7Segment("NTE", [])
                s.set(1, String(nte))
                s.set(2, "L")
                s.set(3, E.escape(text))
                segments.append(s)
            }
            note("Research software output (\(p.id) \(p.version)), not a diagnosis; to be reviewed by a physician.")
            if let card = modelCards.first(where: { $0.name == p.modelName && $0.version == p.modelVersion }) {
                if card.trainingData.synthetic { note("Model \(card.name) \(card.version) was trained on synthetic data only.") }
                for l in card.limitations { note("Limitation: \(l)") }
            }
            if failed { note("The input could not be processed by this detector: no result.") }

            let method = E.components([p.id, "\(p.id) \(p.version)", Self.localSystem])
            let equipment = p.modelSHA256.map { E.components([$0, "VIGIL"]) } ?? ""
            func obx(_ type: String, _ id: String, sub: Int, _ value: String, units: String = "", flag: String = "",
                     analysed: Date?) -> HL7Segment
            {
                obxN += 1
                var s = HL7Segment("OBX", [])
                s.set(1, String(obxN))
                s.set(2, type)
                s.set(3, id)
                s.set(4, String(sub))
                s.set(5, value)
                s.set(6, units)
                s.set(8, flag)
                s.set(11, "F")
                s.set(14, acquired)
                s.set(17, method)
                s.set(18, equipment)
                s.set(19, analysed.map(E.timestamp) ?? "")
                return s
            }
            for (k, f) in mine.enumerated() {
                let sub = k + 1
                var codes: [String?] = [f.code, f.label, Self.localSystem]
                if let std = f.codings.first(where: { Self.system($0.system) != nil }) {
                    codes += [std.code, std.display ?? f.label, Self.system(std.system)]
                }
                let (dc, dt) = Self.decision(f.decision)
                segments.append(obx("CWE", E.components(codes), sub: sub, E.components([dc, dt, "HL70078"]), flag: dc,
                                    analysed: f.createdAt))
                if let pr = f.probability {
                    segments.append(obx("NM", E.components(["probability", "Calibrated probability of \(f.label)", Self.localSystem]),
                                        sub: sub, E.number(pr), units: "1^^UCUM", analysed: f.createdAt))
                }
                if let t = f.threshold {
                    segments.append(obx("NM", E.components(["operating-threshold", "Operating threshold", Self.localSystem]),
                                        sub: sub, E.number(t), units: "1^^UCUM", analysed: f.createdAt))
                }
                for m in f.measurements {
                    segments.append(obx("NM", E.components([m.name, m.name, Self.localSystem]), sub: sub, E.number(m.value),
                                        units: E.components([m.unit, m.unit, "UCUM"]), analysed: f.createdAt))
                }
            }
            for (k, a) in abst.enumerated() {
                segments.append(obx("CWE", E.components(["abstention", "Detector abstained", Self.localSystem]), sub: mine.count + k + 1,
                                    E.components([a.reason.rawValue, a.reason.rawValue.replacingOccurrences(of: "_", with: " "), Self.localSystem]),
                                    analysed: a.createdAt))
                note(a.message)
            }
        }
        return HL7Message(segments: segments, controlID: control)
    }

    /// HL7 v2 coding system (table 0396) for a FHIR code system URL, for the standard codings carried.
    static func system(_ url: String) -> String? {
        switch url {
        case "http://snomed.info/sct": "SCT"
        case "http://loinc.org": "LN"
        case "http://hl7.org/fhir/sid/icd-10": "I10"
        case "http://hl7.org/fhir/sid/icd-10-cm": "I10C"
        default: nil
        }
    }

    /// HL7 table 0078 (interpretation codes) for a decision.
    static func decision(_ d: Decision) -> (String, String) {
        switch d {
        case .positive: ("POS", "Positive")
        case .negative: ("NEG", "Negative")
        case .indeterminate: ("IND", "Indeterminate")
        }
    }
}
