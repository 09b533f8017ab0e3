import BatchScoring
import ContentHash
import DetectorInputs
import ECGFormats
import Foundation

/// A synthetic ECG input made on the fly for benchmarks: record `index` is a copy of one of a small
/// pool of generated records, made distinct by a deterministic offset of `index` µV on one sample, so
/// every index is its own content (and is scored, stored and identified separately) without keeping or
/// generating thousands of records. Its identity is the SHA-256 of `synthetic-ecg|<run>|<index>`.
public struct GeneratedItem: BatchItem {
    /// The item's number.
    public let index: Int
    /// Distinguishes benchmark runs (so two runs into one store do not skip each other).
    public let run: String
    /// The records the items are copied from.
    public let pool: [ECGRecord]

    /// Creates item `index` over `pool` (an empty pool makes ``read()`` fail).
    public init(index: Int, run: String, pool: [ECGRecord]) {
        self.index = index
        self.run = run
        self.pool = pool
    }

    /// `synthetic-<index>`.
    public var label: String { "synthetic-\(index)" }
    /// `synthetic:<run>/<index>`.
    public var path: String { "synthetic:\(run)/\(index)" }

    /// Derived from the run and index (the content is a function of them).
    public func contentSHA256() throws -> String {
        SHA256Digest.hex(of: Data("synthetic-ecg|\(run)|\(index)".utf8))
    }

    /// The pool record with the item's offset.
    public func read() throws -> ReadInput {
        guard !pool.isEmpty else { throw BatchItemError.badSource(path: path, problem: "the pool of generated records is empty") }
        var record = pool[index % pool.count]
        record.sourceFile = label
        if !record.rhythm.leads.isEmpty, !record.rhythm.leads[0].samples.isEmpty {
            record.rhythm.leads[0].samples[0] += Float(index) * 1e-3
        }
        return ReadInput(input: record)
    }

    /// Items 0..<count over `pool`, lazily.
    public static func items(count: Int, run: String, pool: [ECGRecord]) -> AnySequence<any BatchItem> {
        AnySequence((0..<count).lazy.map { GeneratedItem(index: $0, run: run, pool: pool) as any BatchItem })
    }
}
