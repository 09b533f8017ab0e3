import DetectorKit
import FHIRExport
import FindingsStore
import Foundation

/// Writes a store's results as HL7 v2.5.1 ORU^R01 messages, one per input with a recorded result,
/// streaming a page of inputs at a time. In a file, each message is its segments ended by `\r`, messages
/// one after the other (the usual HL7 batch-less file form); with ``framing`` `.mllp` each is wrapped in
/// MLLP's start block (0x0B) and end block (0x1C 0x0D).
public struct HL7v2Exporter: Sendable {
    /// How messages are delimited in the output.
    public enum Framing: Sendable { case plain, mllp }

    /// The store.
    public let store: any FindingsStore
    /// Only inputs of this kind, when given.
    public let kind: InputKind?
    /// Builds each message.
    public let builder: ORUBuilder
    /// Inputs read per store query.
    public let pageSize: Int

    /// Creates an exporter.
    public init(store: any FindingsStore, kind: InputKind? = nil, builder: ORUBuilder = ORUBuilder(), pageSize: Int = 200) {
        self.store = store
        self.kind = kind
        self.builder = builder
        self.pageSize = pageSize
    }

    /// Calls `body` with every message, in input order; returns how many.
    public func forEachMessage(_ body: (HL7Message) async throws -> Void) async throws -> Int {
        var count = 0
        var pager = StoredResultsPager(store: store, kind: kind, pageSize: pageSize)
        try await pager.forEach { stored in
            guard let m = builder.message(for: stored) else { return }
            try await body(m)
            count += 1
        }
        return count
    }

    /// The ORU^R01 of the input `id` in `store` (the message this exporter writes for it); `.noInput` when
    /// the store has no such input, `.nothingRecorded` when it has no finding, abstention or error.
    /// What the service's `GET /v1/inputs/{id}/hl7v2` answers.
    public static func message(input id: InputID, store: any FindingsStore, builder: ORUBuilder) async throws
        -> InputMessage
    {
        guard let stored = try await StoredInputResults.load(input: id, from: store) else { return .noInput }
        guard let m = builder.message(for: stored) else { return .nothingRecorded }
        return .message(m)
    }

    /// What ``message(input:store:builder:)`` finds.
    public enum InputMessage: Sendable {
        case message(HL7Message)
        case noInput
        case nothingRecorded
    }

    /// Writes every message to `output`; returns how many.
    public func write(to output: ExportOutput, framing: Framing = .plain) async throws -> Int {
        let n = try await forEachMessage { m in
            switch framing {
            case .plain: try output.write(m.text)
            case .mllp: try output.write(MLLP.frame(m.text))
            }
        }
        try output.flush()
        return n
    }
}
