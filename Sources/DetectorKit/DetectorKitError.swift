import Foundation

/// Everything DetectorKit reports as an error. Each case names what is wrong and where: the type and
/// field, the file, the detector id.
///
/// ```swift
/// do { _ = try ModelCard.load(from: url) }
/// catch let error as DetectorKitError { print(error) }
/// // model card '/srv/Models/ecg/model.card.json': missing field 'io.outputs[0].labels[1].operatingThreshold'
/// ```
public indirect enum DetectorKitError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A value breaks an invariant of `type` (`Finding`, `ModelCard`, …); `field` is its path inside the
    /// value (`evidence[2].endSeconds`), `problem` says what is allowed and what was found.
    case invalidValue(type: String, field: String, problem: String)
    /// JSON that could not be decoded as `type`; `problem` names the field (`missing field 'io'`).
    case decoding(type: String, problem: String)
    /// The JSON declares a `schemaVersion` this build does not read.
    case unsupportedSchemaVersion(type: String, found: Int, supported: [Int])
    /// A file could not be read.
    case fileUnreadable(path: String, reason: String)
    /// A model card's weights file does not hash to the card's `weightsSHA256`.
    case weightsHashMismatch(path: String, expected: String, actual: String)
    /// `error` happened while reading the model card at `path`.
    case modelCard(path: String, error: DetectorKitError)
    /// A detector with this id is already registered.
    case duplicateDetector(id: String)
    /// No detector is registered under `id`; `known` lists the registered ids.
    case unknownDetector(id: String, known: [String])
    /// The detector accepts `expected` inputs but was given a `received` input.
    case inputKindMismatch(detectorID: String, expected: InputKind, received: InputKind, input: String)
    /// The input has the right kind but is not the Swift type the detector reads.
    case inputTypeMismatch(detectorID: String, expected: String, received: String)
    /// A detector's descriptor is unusable (bad id, kind differs from its input type's kind, …).
    case invalidDescriptor(detectorID: String, problem: String)
    /// A detector returned an outcome that breaks the contract (provenance of another detector, …).
    case invalidOutcome(detectorID: String, problem: String)

    /// A one-line explanation for logs and API error bodies.
    public var description: String {
        switch self {
        case let .invalidValue(type, field, problem):
            return "\(type).\(field): \(problem)"
        case let .decoding(type, problem):
            return "cannot read \(type) JSON: \(problem)"
        case let .unsupportedSchemaVersion(type, found, supported):
            let list = supported.map(String.init).joined(separator: ", ")
            return "\(type) schemaVersion \(found) is not supported by this build (reads: \(list))"
        case let .fileUnreadable(path, reason):
            return "cannot read '\(path)': \(reason)"
        case let .weightsHashMismatch(path, expected, actual):
            return "weights file '\(path)' has SHA-256 \(actual), but the model card pins \(expected); "
                + "the weights were changed or the card is for another file"
        case let .modelCard(path, error):
            return "model card '\(path)': \(error.description)"
        case let .duplicateDetector(id):
            return "a detector with id '\(id)' is already registered"
        case let .unknownDetector(id, known):
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            return "no detector with id '\(id)' (registered: \(list))"
        case let .inputKindMismatch(detectorID, expected, received, input):
            return "detector '\(detectorID)' reads '\(expected)' inputs, not '\(received)' (\(input))"
        case let .inputTypeMismatch(detectorID, expected, received):
            return "detector '\(detectorID)' reads \(expected) values, not \(received)"
        case let .invalidDescriptor(detectorID, problem):
            return "detector '\(detectorID)': invalid descriptor: \(problem)"
        case let .invalidOutcome(detectorID, problem):
            return "detector '\(detectorID)' returned an invalid outcome: \(problem)"
        }
    }

    /// Same as ``description`` (so `localizedDescription` is readable too).
    public var errorDescription: String? { description }
}

/// Field checks that throw ``DetectorKitError/invalidValue(type:field:problem:)``.
struct FieldCheck {
    let type: String

    func fail(_ field: String, _ problem: String) -> DetectorKitError {
        .invalidValue(type: type, field: field, problem: problem)
    }

    func nonEmpty(_ value: String, _ field: String) throws {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw fail(field, "must not be empty")
        }
    }

    /// Non-empty and without whitespace (codes, ids, units).
    func token(_ value: String, _ field: String) throws {
        try nonEmpty(value, field)
        if value.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) }) {
            throw fail(field, "must not contain whitespace, got '\(value)'")
        }
    }

    func finite(_ value: Double, _ field: String) throws {
        if !value.isFinite { throw fail(field, "must be a finite number, got \(value)") }
    }

    func unitInterval(_ value: Double, _ field: String) throws {
        try finite(value, field)
        if !(0...1).contains(value) { throw fail(field, "must be within 0…1, got \(value)") }
    }

    /// 64 lowercase hexadecimal characters (a SHA-256 digest, canonical form).
    func sha256(_ value: String, _ field: String) throws {
        let hex = value.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        if value.utf8.count != 64 || !hex {
            throw fail(field, "must be a SHA-256 digest of 64 lowercase hexadecimal characters, got '\(value)'")
        }
    }
}

extension Decoder {
    /// Runs `validate`; an invariant failure becomes a `DecodingError` at this decoder's coding path (so a
    /// bad finding inside an array is reported with its index), keeping the ``DetectorKitError``.
    func validating<T>(_ validate: () throws -> T) throws -> T {
        do {
            return try validate()
        } catch let error as DetectorKitError {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: error.description, underlyingError: error))
        }
    }
}
