import BatchScoring
import ECGBatchSources
import DetectorCatalog
import DetectorKit
import ECGFormats
import FindingsStore
import Foundation
import Synchronization
import Testing

/// Counts the analyses made through the request's shared cache and reports the serial number it got, so a
/// test sees whether the detectors of one input read one analysis.
struct ProbeDetector: Detector {
    let descriptor: DetectorDescriptor
    var modelCard: ModelCard? { nil }
    let counter: Counter

    final class Counter: Sendable {
        private let n = Mutex(0)
        func next() -> Int { n.withLock { $0 += 1; return $0 } }
        var value: Int { n.withLock { $0 } }
    }

    init(id: String, counter: Counter) {
        descriptor = DetectorDescriptor(id: id, version: "1.0.0", name: "Probe \(id)", inputKind: .ecg)
        self.counter = counter
    }

    func analyze(_ record: ECGRecord) async throws -> DetectorOutcome { try await analyze(record, request: DetectionRequest()) }

    func analyze(_ record: ECGRecord, request: DetectionRequest) async throws -> DetectorOutcome {
        let serial = request.shared.value("probe|\(record.sourceFile)") { counter.next() }
        return .findings([try Finding(
            code: "probe", label: "Probe", probability: 0.1, threshold: 0.5, decision: .negative,
            measurements: [FindingMeasurement(name: "analysisSerial", value: Double(serial), unit: "1")],
            detector: DetectorProvenance(descriptor: descriptor, modelCard: nil))])
    }
}

@Suite("Batch: one analysis per record")
struct SharedAnalysisBatchTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func theDetectorsOfOneInputShareOneAnalysisAndEachInputGetsItsOwn() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        try Records.writeWFDB(1...6, to: tmp.url.appendingPathComponent("data"))
        let source = try ECGFolderSource(folder: tmp.url.appendingPathComponent("data"))
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        let counter = ProbeDetector.Counter()
        let detectors = ["probe-a", "probe-b", "probe-c"].map { AnyDetector(ProbeDetector(id: $0, counter: counter)) }
        let engine = BatchEngine(store: store, detectors: detectors, configuration: .init(workers: 3, writeBatchSize: 2))
        let report = try await engine.run(source.items(), total: source.count())
        #expect(report.inputs == 6)
        #expect(counter.value == 6)  // one analysis per input, not one per detector and input
        var serials: Set<Double> = []
        for input in try await store.inputs(kind: .ecg, after: nil, limit: 100) {
            let values = try await store.findings(input: input.id).flatMap(\.finding.measurements).map(\.value)
            #expect(values.count == 3)
            #expect(Set(values).count == 1, "input \(input.path): the detectors read different analyses \(values)")
            serials.formUnion(values)
        }
        #expect(serials == Set((1...6).map(Double.init)))
    }

    @Test func theShippedECGDetectorsReportOneHeartRateAndOneQRSDurationPerRecord() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let data = tmp.url.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let synthetic = Self.repository.appendingPathComponent("SampleData/ecg/synthetic")
        for name in ["syn000001", "syn000002"] {
            for ext in ["hea", "dat"] {
                try FileManager.default.copyItem(at: synthetic.appendingPathComponent("\(name).\(ext)"),
                                                 to: data.appendingPathComponent("\(name).\(ext)"))
            }
        }
        let registry = try DetectorCatalog.registry(modelsDirectory: Self.repository.appendingPathComponent("Models"), warn: { _ in })
        let detectors = registry.detectors(for: .ecg)
        #expect(Set(detectors.map(\.id)).isSuperset(of: ["ecg-cnn", "ecg-rhythm"]))
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        let source = try ECGFolderSource(folder: data)
        let report = try await BatchEngine(store: store, detectors: detectors, configuration: .init(workers: 2))
            .run(source.items(), total: source.count())
        #expect(report.inputs == 2)
        let inputs = try await store.inputs(kind: .ecg, after: nil, limit: 10)
        #expect(inputs.count == 2)
        for input in inputs {
            let findings = try await store.findings(input: input.id).map(\.finding)
            func values(_ detector: String, _ names: Set<String>) -> Set<Double> {
                Set(findings.filter { $0.detector.id == detector }.flatMap(\.measurements).filter { names.contains($0.name) }.map(\.value))
            }
            let rules = values("ecg-rhythm", ["heartRate"]), cnn = values("ecg-cnn", ["ventricularRate"])
            #expect(rules.count == 1, "\(input.path): \(rules)")
            #expect(cnn == rules, "\(input.path): CNN rate \(cnn), rules' rate \(rules)")
            let rulesQRS = values("ecg-rhythm", ["QRSduration"]), cnnQRS = values("ecg-cnn", ["qrsDuration"])
            #expect(rulesQRS.count == 1, "\(input.path): \(rulesQRS)")
            #expect(cnnQRS == rulesQRS, "\(input.path): CNN QRS \(cnnQRS), rules' QRS \(rulesQRS)")
        }
    }
}
