import DetectorKit
import FindingsStore
import Foundation
import HL7v2
import Testing
import VigilTestSupport
#if canImport(Glibc)
import Glibc
#endif

let rhythm = DetectorProvenance(id: "ecg-rhythm", version: "1.0.0", modelName: "Rhythm net", modelVersion: "0.1.0",
                                modelSHA256: String(repeating: "ab", count: 32))
let rules = DetectorProvenance(id: "ecg-intervals", version: "1.0.0")

/// A store with an ECG with two detectors' findings (one with a SNOMED coding and UCUM measurement), an
/// ECG whose abstention message holds every HL7 delimiter, and an ECG that failed.
func ecgStore(_ path: String) async throws -> SQLiteFindingsStore {
    let store = try SQLiteFindingsStore(path: path, actor: "test")
    let created = Date(timeIntervalSince1970: 1_741_944_413)
    func input(_ n: Int, patient: String?) async throws -> InputID {
        try await store.registerInput(NewInput(contentSHA256: String(repeating: "0", count: 63) + "\(n)", path: "/d/\(n)", kind: .ecg,
                                               patientID: patient, acquiredAt: Date(timeIntervalSince1970: 1_700_000_000))).id
    }
    let a = try await input(1, patient: "P|42^x"), b = try await input(2, patient: "P-43"), c = try await input(3, patient: nil)
    let r1 = try await store.startRun(NewRun(detector: rhythm)).id
    let r2 = try await store.startRun(NewRun(detector: rules)).id
    _ = try await store.recordOutcome(.findings([try Finding(
        code: "afib", codings: [StandardCoding(system: "http://snomed.info/sct", code: "49436004", display: "Atrial fibrillation")],
        label: "Atrial fibrillation", probability: 0.91, threshold: 0.42, decision: .positive,
        measurements: [FindingMeasurement(name: "ventricularRate", value: 112, unit: "/min")], detector: rhythm, createdAt: created)]),
        input: a, run: r1)
    _ = try await store.recordOutcome(.findings([try Finding(
        code: "long_qtc", label: "Prolonged QTc", probability: nil, threshold: nil, decision: .negative,
        measurements: [FindingMeasurement(name: "QTc", value: 431, unit: "ms")], detector: rules, createdAt: created)]), input: a, run: r2)
    _ = try await store.recordOutcome(.abstained(try Abstention(reason: .signalUnreadable, message: "Leads V4|V6 ^flat^ ~ noise \\ & more\nsecond line",
                                                                detector: rhythm, createdAt: created)), input: b, run: r1)
    _ = try await store.recordError(input: c, run: r1, reason: "cannot read /secret/path/x.csv: row 2")
    return store
}

func messages(_ store: SQLiteFindingsStore) async throws -> [HL7Message] {
    var out: [HL7Message] = []
    _ = try await HL7v2Exporter(store: store, builder: ORUBuilder(receivingApplication: "MUSE", timestamp: Date(timeIntervalSince1970: 1_750_000_000)))
        .forEachMessage { out.append($0) }
    return out
}

/// Fields of a segment's text, split on `|` (index 0 is the segment id; for MSH index 1 is MSH-2).
func fields(_ segment: Substring) -> [String] { segment.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }

func tempPath(_ name: String) -> String { FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path }

@Suite("HL7 v2 ORU^R01")
struct HL7v2Tests {
    @Test func escapingCoversEveryDelimiterAndRoundTrips() {
        let text = "a|b^c~d\\e&f\rg\nh"
        let e = HL7Encoding.escape(text)
        #expect(e == "a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\X0D\\g\\X0A\\h")
        for ch in ["|", "^", "~", "&", "\r", "\n"] { #expect(!e.contains(ch)) }
        #expect(HL7Encoding.unescape(e) == text)
    }

    @Test func oneMessagePerInputWithOBRPerDetectorAndOBXPerFinding() async throws {
        let path = tempPath("hl7")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let all = try await messages(try await ecgStore(path))
        #expect(all.count == 3)
        let first = all[0].text
        #expect(first.hasSuffix("\r"))
        let segs = first.split(separator: "\r")
        #expect(segs.map { String($0.prefix(3)) } == ["MSH", "PID", "OBR", "NTE", "OBX", "OBX", "OBX", "OBX", "OBR", "NTE", "OBX", "OBX"])
        let msh = fields(segs[0])
        #expect(msh[1] == "^~\\&" && msh[2] == "VIGIL" && msh[4] == "MUSE")
        #expect(msh[6] == "20250615150640+0000")
        #expect(msh[8] == "ORU^R01^ORU_R01" && msh[9] == all[0].controlID && msh[11] == "2.5.1" && msh[17] == "UNICODE UTF-8")
        // The patient id's delimiters are escaped: PID-3 is one component list, ID type PI.
        let pid = fields(segs[1])
        #expect(pid.count == 4 && pid[3] == "P\\F\\42\\S\\x^^^^PI")
        let obr = fields(segs[2])
        #expect(obr[4] == "ecg-rhythm^Vigil ecg-rhythm 1.0.0^99VIGIL")
        #expect(obr[7] == "20231114221320+0000" && obr[24] == "EC" && obr[25] == "F")
        let finding = fields(segs[4])
        #expect(finding[2] == "CWE" && finding[3] == "afib^Atrial fibrillation^99VIGIL^49436004^Atrial fibrillation^SCT")
        #expect(finding[4] == "1" && finding[5] == "POS^Positive^HL70078" && finding[8] == "POS" && finding[11] == "F")
        #expect(finding[18] == String(repeating: "ab", count: 32) + "^VIGIL")
        let probability = fields(segs[5])
        #expect(probability[2] == "NM" && probability[5] == "0.91" && probability[6] == "1^^UCUM" && probability[4] == "1")
        #expect(fields(segs[6])[5] == "0.42")
        let rate = fields(segs[7])
        #expect(rate[3] == "ventricularRate^ventricularRate^99VIGIL" && rate[5] == "112" && rate[6] == "/min^/min^UCUM")
        let qtc = fields(segs[11])
        #expect(qtc[5] == "431" && qtc[6] == "ms^ms^UCUM")
        #expect(fields(segs[3])[3].contains("not a diagnosis"))

        // The abstention: coded reason, message in an NTE with every delimiter escaped.
        let b = all[1].text.split(separator: "\r")
        let abst = fields(try #require(b.first { $0.hasPrefix("OBX") }))
        #expect(abst[3] == "abstention^Detector abstained^99VIGIL" && abst[5] == "signal_unreadable^signal unreadable^99VIGIL")
        let note = fields(try #require(b.last { $0.hasPrefix("NTE") }))
        #expect(note.count == 4)
        #expect(HL7Encoding.unescape(note[3]) == "Leads V4|V6 ^flat^ ~ noise \\ & more\nsecond line")

        // The failed input: no PID (no patient id), OBR-25 X, and no internal error text or path.
        let c = all[2].text
        #expect(!c.contains("PID|"))
        #expect(fields(try #require(c.split(separator: "\r").first { $0.hasPrefix("OBR") }))[25] == "X")
        #expect(!c.contains("secret") && !c.contains("x.csv"))
    }

    @Test func aKnownModelCardAddsItsLimitsAsNTEs() async throws {
        let root = Repository.root
        let card = try ModelCard.load(from: root.appendingPathComponent("Models/ct-pancreas-lesion/model.card.json"))
        let p = DetectorProvenance(id: "ct-pancreas", version: "1.0.0", modelName: card.name, modelVersion: card.version,
                                   modelSHA256: card.weightsSHA256)
        let path = tempPath("hl7card")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let input = try await SQLiteFindingsStore(path: path, actor: "test")
            .registerInput(NewInput(contentSHA256: String(repeating: "9", count: 64), path: "/s", kind: .ctStudy))
        let f = try Finding(code: "ct.pancreas.lesion_suspected", label: "Pancreatic lesion suspected", probability: 0.3, threshold: 0.5,
                            decision: .negative, detector: p)
        let m = try #require(ORUBuilder(modelCards: [card]).message(input: input, findings: [f], abstentions: [], errors: []))
        let notes = m.text.split(separator: "\r").filter { $0.hasPrefix("NTE") }.map { HL7Encoding.unescape(fields($0)[3]) }
        #expect(notes.count == 1 + (card.trainingData.synthetic ? 1 : 0) + card.limitations.count)
        #expect(notes.contains("Limitation: \(card.limitations[0])"))
        #expect(fields(try #require(m.text.split(separator: "\r").first { $0.hasPrefix("OBR") }))[24] == "CT")
    }

    @Test func mllpFramingRoundTrips() {
        let framed = MLLP.frame("MSH|a\r") + MLLP.frame("MSH|b\r") + Data([0x0B, 0x41])
        let (msgs, rest) = MLLP.unframe(framed)
        #expect(msgs == ["MSH|a\r", "MSH|b\r"])
        #expect(rest == Data([0x0B, 0x41]))
    }

    @Test func sendingToALoopbackListenerWaitsForEachACK() async throws {
        let path = tempPath("hl7m")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let all = try await messages(try await ecgStore(path))
        let listener = try LoopbackListener(answers: ["AA", "AA", "AE"])
        let client = try MLLPClient(address: "127.0.0.1:\(listener.port)", timeout: 10)
        let ack = try client.send(all[0])
        #expect(ack.contains("MSA|AA|\(all[0].controlID)"))
        try client.send(all[1])
        #expect(throws: MLLPError.self) { try client.send(all[2]) }  // the listener answers AE
        let received = listener.finish()
        #expect(received == all.map(\.text))
    }

    @Test func aRefusedConnectionIsAClearError() throws {
        let listener = try LoopbackListener(answers: [])
        let port = listener.port
        _ = listener.finish()
        #expect(throws: MLLPError.self) { _ = try MLLPClient(address: "127.0.0.1:\(port)", timeout: 2) }
        #expect(throws: MLLPError.self) { _ = try MLLPClient(address: "no-port", timeout: 2) }
    }
}

/// A one-connection MLLP listener on 127.0.0.1 (an ephemeral port) that answers each message with an ACK
/// carrying the next code of `answers`, on a background thread; `finish()` returns what it received.
final class LoopbackListener: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private var received: [String] = []
    private let done = DispatchSemaphore(value: 0)
    private let answers: [String]

    init(answers: [String]) throws {
        self.answers = answers
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(sock, 1) == 0 else { close(sock); throw MLLPError(description: "cannot listen") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) } }
        fd = sock
        port = UInt16(bigEndian: addr.sin_port)
        if answers.isEmpty {
            done.signal()
        } else {
            start()
        }
    }

    private func start() { Thread.detachNewThread { self.serve() } }

    private func serve() {
        defer { done.signal() }
        let conn = accept(fd, nil, nil)
        guard conn >= 0 else { return }
        defer { close(conn) }
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        var answered = 0
        while answered < answers.count {
            let n = recv(conn, &chunk, chunk.count, 0)
            if n <= 0 { return }
            buffer.append(contentsOf: chunk[0..<n])
            let (msgs, rest) = MLLP.unframe(buffer)
            buffer = rest
            for m in msgs {
                received.append(m)
                let control = m.split(separator: "\r").first.map { fields($0) }.map { $0.count > 9 ? $0[9] : "" } ?? ""
                let ack = "MSH|^~\\&|MUSE||VIGIL||20250101000000||ACK^R01^ACK|A\(answered)|P|2.5.1\rMSA|\(answers[answered])|\(control)|\(answers[answered] == "AA" ? "" : "rejected")\r"
                let frame = [UInt8](MLLP.frame(ack))
                _ = frame.withUnsafeBytes { send(conn, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
                answered += 1
            }
        }
    }

    /// Waits for the connection to end and closes the listener.
    func finish() -> [String] {
        done.wait()
        close(fd)
        return received
    }
}
