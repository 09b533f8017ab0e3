import Foundation

/// A detector's identity: stable id, version, display name, and the kind of input it reads.
///
/// ```swift
/// DetectorDescriptor(id: "ecg-rhythm", version: "1.0.0", name: "ECG rhythm classifier", inputKind: .ecg)
/// ```
public struct DetectorDescriptor: Sendable, Hashable, Codable {
    /// Stable id used to register, look up and call the detector (and in URLs): lowercase ASCII letters,
    /// digits, `.`, `-`, `_`, starting with a letter or digit.
    public let id: String
    /// The detector code's version (the model's version is on its ``ModelCard``).
    public let version: String
    /// Display name.
    public let name: String
    /// The kind of input it reads; must equal its `Input.kind`.
    public let inputKind: InputKind

    /// Creates a descriptor; checked when the detector is registered.
    public init(id: String, version: String, name: String, inputKind: InputKind) {
        self.id = id
        self.version = version
        self.name = name
        self.inputKind = inputKind
    }

    /// Checks the id's characters, that version and name are non-empty, and that `inputKind` is not
    /// empty. - Throws: ``DetectorKitError/invalidDescriptor(detectorID:problem:)``.
    public func validate() throws {
        func fail(_ problem: String) -> DetectorKitError { .invalidDescriptor(detectorID: id, problem: problem) }
        let bytes = Array(id.utf8)
        let allowed: (UInt8) -> Bool = { (97...122).contains($0) || (48...57).contains($0) || $0 == 46 || $0 == 45 || $0 == 95 }
        guard let first = bytes.first, (97...122).contains(first) || (48...57).contains(first),
              bytes.allSatisfy(allowed)
        else {
            throw fail("id must be lowercase ASCII letters, digits, '.', '-', '_', starting with a letter or digit")
        }
        if version.isEmpty || version.contains(where: \.isWhitespace) {
            throw fail("version must be non-empty without whitespace, got '\(version)'")
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("name must not be empty") }
        if inputKind.rawValue.isEmpty { throw fail("inputKind must not be empty") }
    }
}

/// A specialist model (or rule set) that analyses one kind of input and reports findings or abstains.
///
/// Conform a detector in its own module; register it in a ``DetectorRegistry``; nothing in DetectorKit
/// changes.
///
/// ```swift
/// struct RhythmDetector: Detector {
///     let descriptor = DetectorDescriptor(id: "ecg-rhythm", version: "1.0.0",
///                                         name: "ECG rhythm classifier", inputKind: .ecg)
///     let modelCard: ModelCard?
///     func analyze(_ record: ECGRecord) async throws -> DetectorOutcome {
///         let provenance = DetectorProvenance(descriptor: descriptor, modelCard: modelCard)
///         guard record.isReadable else {
///             return .abstained(try Abstention(reason: .signalUnreadable,
///                                              message: "Leads V1–V3 are flat.", detector: provenance))
///         }
///         return .findings([try Finding(…, detector: provenance)])
///     }
/// }
/// ```
///
/// Throw from ``analyze(_:)`` only for failures of the system (the model could not be run); an input
/// the detector cannot or should not read is an ``Abstention``.
public protocol Detector: Sendable {
    /// The input type it reads; `Input.kind` must equal `descriptor.inputKind`.
    associatedtype Input: DetectorInput
    /// Identity and input kind.
    var descriptor: DetectorDescriptor { get }
    /// The model card of the weights it runs; nil for a detector without a learned model.
    var modelCard: ModelCard? { get }
    /// Analyses one input. Findings and abstentions carry `DetectorProvenance(descriptor:modelCard:)`.
    func analyze(_ input: Input) async throws -> DetectorOutcome
    /// Analyses one input as `request` asks (artefacts wanted, analyses shared with the other detectors of
    /// this input). The default ignores the request and calls ``analyze(_:)``; a detector that renders
    /// pictures or reads a shared analysis implements this one and lets ``analyze(_:)`` call it with
    /// `DetectionRequest()`.
    func analyze(_ input: Input, request: DetectionRequest) async throws -> DetectorOutcome
    /// Every finding code this detector can emit (from its rules or its model card), so that a catalog can
    /// check each has a knowledge entry and ``AnyDetector`` can refuse a finding with another code; nil:
    /// not declared (the default, for test doubles; every shipped detector declares its codes).
    var findingCodes: Set<String>? { get }
}

extension Detector {
    /// Ignores `request` and calls ``analyze(_:)``.
    public func analyze(_ input: Input, request: DetectionRequest) async throws -> DetectorOutcome {
        try await analyze(input)
    }

    /// Not declared.
    public var findingCodes: Set<String>? { nil }
}

/// A type-erased ``Detector``: what the registry holds, and what callers that do not know the input
/// type (CLI, HTTP server) call.
///
/// ``analyze(_:)`` checks the input's kind and type before calling the detector, and checks the
/// outcome's provenance after (a finding must name this detector and, when there is a model card, its
/// weights), so a mis-wired detector fails loudly instead of mislabelling results.
///
/// ```swift
/// let any = AnyDetector(RhythmDetector(modelCard: card))
/// let outcome = try await any.analyze(record)          // record: any DetectorInput
/// ```
public struct AnyDetector: Sendable {
    /// The wrapped detector's descriptor.
    public let descriptor: DetectorDescriptor
    /// The wrapped detector's model card.
    public let modelCard: ModelCard?
    /// The kind of its `Input` type (checked against ``descriptor`` at registration).
    public let inputTypeKind: InputKind
    /// Its `Input` type's name, for messages.
    public let inputTypeName: String
    /// The finding codes it can emit (``Detector/findingCodes``); nil when it does not declare them.
    public let findingCodes: Set<String>?
    private let run: @Sendable (any DetectorInput, DetectionRequest) async throws -> DetectorOutcome

    /// Wraps `detector`.
    public init<D: Detector>(_ detector: D) {
        descriptor = detector.descriptor
        modelCard = detector.modelCard
        inputTypeKind = D.Input.kind
        inputTypeName = String(reflecting: D.Input.self)
        findingCodes = detector.findingCodes
        let id = detector.descriptor.id
        run = { input, request in
            guard let typed = input as? D.Input else {
                throw DetectorKitError.inputTypeMismatch(
                    detectorID: id, expected: String(reflecting: D.Input.self),
                    received: String(reflecting: type(of: input)))
            }
            return try await detector.analyze(typed, request: request)
        }
    }

    /// The wrapped detector's id.
    public var id: String { descriptor.id }

    /// Checks the descriptor and that it agrees with the `Input` type's kind.
    /// - Throws: ``DetectorKitError/invalidDescriptor(detectorID:problem:)``.
    public func validate() throws {
        try descriptor.validate()
        if inputTypeKind != descriptor.inputKind {
            throw DetectorKitError.invalidDescriptor(
                detectorID: descriptor.id,
                problem: "inputKind is '\(descriptor.inputKind)' but its input type \(inputTypeName) is '\(inputTypeKind)'")
        }
    }

    /// Analyses `input` with the wrapped detector.
    /// - Throws: ``DetectorKitError/inputKindMismatch(detectorID:expected:received:input:)`` when the input is of
    ///   another kind, ``DetectorKitError/inputTypeMismatch(detectorID:expected:received:)`` when it has the
    ///   right kind but another type, ``DetectorKitError/invalidOutcome(detectorID:problem:)`` when the
    ///   result names another detector or model, and whatever the detector throws.
    public func analyze(_ input: any DetectorInput) async throws -> DetectorOutcome {
        try await analyze(input, request: DetectionRequest())
    }

    /// Analyses `input` as `request` asks (artefacts, shared analyses); same checks as ``analyze(_:)``.
    /// The engines pass one request to every detector of one input, so they share its analyses.
    public func analyze(_ input: any DetectorInput, request: DetectionRequest) async throws -> DetectorOutcome {
        let kind = type(of: input).kind
        if kind != descriptor.inputKind {
            throw DetectorKitError.inputKindMismatch(
                detectorID: descriptor.id, expected: descriptor.inputKind, received: kind,
                input: input.inputDescription)
        }
        let outcome = try await run(input, request)
        try checkProvenance(of: outcome)
        return outcome
    }

    private func checkProvenance(of outcome: DetectorOutcome) throws {
        let expected = DetectorProvenance(descriptor: descriptor, modelCard: modelCard)
        func check(_ provenance: DetectorProvenance, _ what: String) throws {
            if provenance.id != expected.id || provenance.version != expected.version {
                throw DetectorKitError.invalidOutcome(
                    detectorID: descriptor.id,
                    problem: "\(what) names detector '\(provenance.id)' \(provenance.version), expected '\(expected.id)' \(expected.version)")
            }
            if modelCard != nil, provenance != expected {
                throw DetectorKitError.invalidOutcome(
                    detectorID: descriptor.id,
                    problem: "\(what) names model \(provenance.modelName ?? "none") \(provenance.modelVersion ?? "-") "
                        + "(\(provenance.modelSHA256 ?? "no hash")), expected \(expected.modelName ?? "") "
                        + "\(expected.modelVersion ?? "") (\(expected.modelSHA256 ?? ""))")
            }
        }
        switch outcome {
        case let .findings(findings):
            for (i, finding) in findings.enumerated() {
                try check(finding.detector, "finding \(i) (\(finding.code))")
                if let codes = findingCodes, !codes.contains(finding.code) {
                    throw DetectorKitError.invalidOutcome(
                        detectorID: descriptor.id,
                        problem: "finding \(i) has code '\(finding.code)', which is not one of the codes it declares (\(codes.sorted().joined(separator: ", ")))")
                }
            }
        case let .abstained(abstention):
            try check(abstention.detector, "the abstention")
        }
    }
}
