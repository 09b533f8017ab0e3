import Foundation
import Synchronization
import Testing

@testable import DetectorKit

/// Reports the value it got from the request's shared cache under "toy-analysis" (computed as a serial
/// number from `counter`), and the artefacts it was asked for.
struct SharingDetector: Detector {
    var descriptor: DetectorDescriptor
    var modelCard: ModelCard? { nil }
    let counter: Counter

    final class Counter: Sendable {
        private let n = Mutex(0)
        func next() -> Int { n.withLock { $0 += 1; return $0 } }
        var value: Int { n.withLock { $0 } }
    }

    func analyze(_ input: ToyReading) async throws -> DetectorOutcome {
        try await analyze(input, request: DetectionRequest())
    }

    func analyze(_ input: ToyReading, request: DetectionRequest) async throws -> DetectorOutcome {
        let serial = request.shared.value("toy-analysis") { counter.next() }
        if request.artefacts.isRequested { request.artefacts.sink?.put("picture of \(input.value) by \(descriptor.id)") }
        return .findings([try Finding(
            code: "toy_high", label: "High toy reading", probability: input.value, threshold: 0.5,
            decision: Decision(probability: input.value, threshold: 0.5),
            measurements: [FindingMeasurement(name: "analysisSerial", value: Double(serial), unit: "1")],
            detector: DetectorProvenance(descriptor: descriptor, modelCard: nil))])
    }
}

@Suite("Detection requests")
struct DetectionRequestTests {
    static func serial(_ outcome: DetectorOutcome) -> Double? { outcome.findings?.first?.measurements.first?.value }

    @Test func detectorsOfOneRequestShareOneAnalysisThroughTheRegistry() async throws {
        let counter = SharingDetector.Counter()
        let registry = try DetectorRegistry([
            AnyDetector(SharingDetector(descriptor: DetectorDescriptor(id: "a", version: "1", name: "A", inputKind: "toy_reading"), counter: counter)),
            AnyDetector(SharingDetector(descriptor: DetectorDescriptor(id: "b", version: "1", name: "B", inputKind: "toy_reading"), counter: counter)),
        ])
        let request = DetectionRequest()
        let a = try await registry.analyze(id: "a", input: ToyReading(value: 0.7), request: request)
        let b = try await registry.analyze(id: "b", input: ToyReading(value: 0.7), request: request)
        #expect(counter.value == 1)
        #expect(Self.serial(a) == 1 && Self.serial(b) == 1)
        #expect(request.shared.computations(of: "toy-analysis") == 1)
        // A new request (the next input) is a new cache.
        let c = try await registry.analyze(id: "a", input: ToyReading(value: 0.2), request: DetectionRequest())
        #expect(Self.serial(c) == 2)
        // The plain call makes its own request.
        _ = try await registry.analyze(id: "b", input: ToyReading(value: 0.2))
        #expect(counter.value == 3)
    }

    @Test func artefactsAreOffByDefaultAndCollectedWhenAsked() async throws {
        let detector = AnyDetector(SharingDetector(
            descriptor: DetectorDescriptor(id: "a", version: "1", name: "A", inputKind: "toy_reading"), counter: .init()))
        let plain = DetectionRequest()
        _ = try await detector.analyze(ToyReading(value: 0.5), request: plain)
        #expect(!plain.artefacts.isRequested)
        #expect(plain.artefacts.collected.isEmpty)
        let asking = DetectionRequest(artefacts: ArtefactRequest(directory: nil))
        _ = try await detector.analyze(ToyReading(value: 0.5), request: asking)
        #expect(asking.artefacts.isRequested)
        #expect(asking.artefacts.sink?.items(of: String.self) == ["picture of 0.5 by a"])
        #expect(asking.artefacts.sink?.items(of: Int.self).isEmpty == true)
    }

    @Test func aRequestDoesNotBypassTheKindAndProvenanceChecks() async throws {
        let detector = AnyDetector(SharingDetector(
            descriptor: DetectorDescriptor(id: "a", version: "1", name: "A", inputKind: "toy_reading"), counter: .init()))
        await #expect(throws: DetectorKitError.self) { _ = try await detector.analyze(OtherInput(), request: DetectionRequest()) }
    }

    @Test func sharedValuesComputeOnceAndFailuresAreNotStored() throws {
        struct Failure: Error {}
        let cache = SharedAnalyses()
        #expect(throws: Failure.self) { _ = try cache.value("x") { () throws -> Int in throw Failure() } }
        #expect(cache.cached("x", as: Int.self) == nil)
        #expect(try cache.value("x") { 41 + 1 } == 42)
        #expect(cache.value("x") { 0 } == 42)
        #expect(cache.computations(of: "x") == 2)  // the failed try and the stored value
        #expect(cache.keys == ["x"])
        #expect(cache.cached("x", as: String.self) == nil)
    }
}
