/// The detectors this process offers, by id. The CLI and the HTTP server list and call detectors only
/// through a registry, so adding a detector means registering it at start-up, nothing else.
///
/// A registry is a value: build it at start-up, then share it (it is `Sendable`; copies are
/// independent, so no locking is needed).
///
/// ```swift
/// var registry = DetectorRegistry()
/// try registry.register(RhythmDetector(modelCard: try ModelCard.load(from: rhythmCard)))
/// try registry.register(PancreasDetector(modelCard: try ModelCard.load(from: pancreasCard)))
/// let ecgDetectors = registry.detectors(for: .ecg)
/// let outcome = try await registry.analyze(id: "ecg-rhythm", input: record)
/// ```
public struct DetectorRegistry: Sendable {
    private var byID: [String: AnyDetector] = [:]

    /// An empty registry.
    public init() {}

    /// A registry holding `detectors`.
    /// - Throws: as ``register(_:)``.
    public init(_ detectors: [AnyDetector]) throws {
        for detector in detectors { try register(detector) }
    }

    /// Registers `detector` under its descriptor's id.
    /// - Throws: ``DetectorKitError/duplicateDetector(id:)`` when the id is taken,
    ///   ``DetectorKitError/invalidDescriptor(detectorID:problem:)`` when the descriptor is unusable.
    public mutating func register<D: Detector>(_ detector: D) throws {
        try register(AnyDetector(detector))
    }

    /// Registers an already type-erased detector (same checks as the generic form).
    public mutating func register(_ detector: AnyDetector) throws {
        try detector.validate()
        if byID[detector.id] != nil { throw DetectorKitError.duplicateDetector(id: detector.id) }
        byID[detector.id] = detector
    }

    /// All detectors, sorted by id.
    public var detectors: [AnyDetector] {
        byID.values.sorted { $0.id < $1.id }
    }

    /// All descriptors, sorted by id (what `vigil detectors` and `GET /detectors` list).
    public var descriptors: [DetectorDescriptor] { detectors.map(\.descriptor) }

    /// The registered ids, sorted.
    public var ids: [String] { byID.keys.sorted() }

    /// The number of registered detectors.
    public var count: Int { byID.count }

    /// The detector registered under `id`, if any.
    public func detector(id: String) -> AnyDetector? { byID[id] }

    /// The detector registered under `id`.
    /// - Throws: ``DetectorKitError/unknownDetector(id:known:)`` listing the registered ids.
    public func lookup(id: String) throws -> AnyDetector {
        guard let detector = byID[id] else { throw DetectorKitError.unknownDetector(id: id, known: ids) }
        return detector
    }

    /// The detectors that read `kind` inputs, sorted by id.
    public func detectors(for kind: InputKind) -> [AnyDetector] {
        detectors.filter { $0.descriptor.inputKind == kind }
    }

    /// Runs the detector registered under `id` on `input`.
    /// - Throws: ``DetectorKitError/unknownDetector(id:known:)``, and whatever ``AnyDetector/analyze(_:)``
    ///   throws (input kind mismatch, invalid outcome, the detector's own errors).
    public func analyze(id: String, input: any DetectorInput) async throws -> DetectorOutcome {
        try await lookup(id: id).analyze(input)
    }

    /// Runs the detector registered under `id` on `input` as `request` asks.
    /// - Throws: as ``analyze(id:input:)``.
    public func analyze(id: String, input: any DetectorInput, request: DetectionRequest) async throws -> DetectorOutcome {
        try await lookup(id: id).analyze(input, request: request)
    }
}
