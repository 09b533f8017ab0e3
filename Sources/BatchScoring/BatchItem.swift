import DetectorKit
import Foundation

/// One input of a batch, before it is read: something that can name its content by SHA-256 cheaply
/// (so a resumed batch skips it without parsing it) and be read into a detector input when needed.
///
/// Items are handed to worker tasks, so they are `Sendable`; sources create them lazily, so a batch of
/// any size holds only the items in flight.
public protocol BatchItem: Sendable {
    /// A short label for messages and error reasons: a file name, never a patient identifier.
    var label: String { get }
    /// The path stored with the input when it is first registered.
    var path: String { get }
    /// SHA-256 of the content (lowercase hex): the input's identity in the store.
    /// - Throws: ``BatchItemError`` when the content cannot be read at all.
    func contentSHA256() throws -> String
    /// Reads the input. An error here is recorded in the store as the input's error, with its reason.
    func read() throws -> ReadInput
}

/// An input as read, with what the source says about it.
public struct ReadInput: Sendable {
    /// The value detectors analyse.
    public var input: any DetectorInput
    /// Pseudonymous patient identifier as the source gives it (never logged).
    public var patientID: String?
    /// Study identifier as the source gives it (never logged).
    public var studyID: String?
    /// Acquisition time, when the source states it.
    public var acquiredAt: Date?

    /// Creates a read input.
    public init(input: any DetectorInput, patientID: String? = nil, studyID: String? = nil, acquiredAt: Date? = nil) {
        self.input = input
        self.patientID = patientID
        self.studyID = studyID
        self.acquiredAt = acquiredAt
    }
}

/// Why an item, or a batch's source, could not be used. Messages name the file and the problem.
public enum BatchItemError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The file's bytes could not be read (missing, permissions): the input cannot even be identified.
    case unreadable(file: String, reason: String)
    /// The batch source (folder or manifest) is unusable.
    case badSource(path: String, problem: String)
    /// A manifest row is malformed.
    case badManifestRow(file: String, line: Int, problem: String)

    /// One line naming the file and what is wrong.
    public var description: String {
        switch self {
        case let .unreadable(file, reason): "\(file): cannot be read (\(reason))"
        case let .badSource(path, problem): "\(path): \(problem)"
        case let .badManifestRow(file, line, problem): "\(file) line \(line): \(problem)"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
