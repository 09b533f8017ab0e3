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
            guard let m = builder.message(input: stored.input, findings: stored.findings.map(\.finding),
                                          abstentions: stored.abstentions.map(\.abstention), errors: stored.errors)
            else { return }
            try await body(m)
            count += 1
        }
        return count
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
