import Foundation

/// Okapi BM25 ranking over a small set of documents (the knowledge base).
///
/// score(D, Q) = Σ over query terms q of IDF(q) · f(q, D) · (k1 + 1) / (f(q, D) + k1 · (1 − b + b · |D| / avgdl)),
/// with IDF(q) = ln(1 + (N − n(q) + 0.5) / (n(q) + 0.5)) (the non-negative form used by Lucene).
/// Text is lower-cased, split on non-alphanumerics, stop words removed, and lightly stemmed
/// (plural *-s*, *-es*, *-ing*, *-ed*).
public struct BM25Index: Sendable {
    /// Term-frequency saturation.
    public let k1: Double
    /// Length normalisation.
    public let b: Double
    private let documents: [[String: Int]]
    private let lengths: [Int]
    private let documentFrequency: [String: Int]
    private let averageLength: Double

    /// Indexes `documents` (in order; results refer to their positions).
    public init(documents: [String], k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
        var docs: [[String: Int]] = []
        var lengths: [Int] = []
        var df: [String: Int] = [:]
        for text in documents {
            let tokens = BM25Index.tokenize(text)
            var counts: [String: Int] = [:]
            for t in tokens { counts[t, default: 0] += 1 }
            for t in counts.keys { df[t, default: 0] += 1 }
            docs.append(counts)
            lengths.append(tokens.count)
        }
        self.documents = docs
        self.lengths = lengths
        self.documentFrequency = df
        self.averageLength = lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count)
    }

    /// BM25 score of document `index` for `query`.
    public func score(_ query: String, document index: Int) -> Double {
        let n = Double(documents.count)
        var total = 0.0
        for term in Set(BM25Index.tokenize(query)) {
            guard let f = documents[index][term] else { continue }
            let nq = Double(documentFrequency[term] ?? 0)
            let idf = log(1 + (n - nq + 0.5) / (nq + 0.5))
            let tf = Double(f)
            let norm = 1 - b + b * Double(lengths[index]) / max(averageLength, 1)
            total += idf * tf * (k1 + 1) / (tf + k1 * norm)
        }
        return total
    }

    /// Documents ranked by descending score (ties by position), only those scoring above zero.
    public func rank(_ query: String, limit: Int = 5) -> [(index: Int, score: Double)] {
        var scored: [(index: Int, score: Double)] = []
        for i in 0..<documents.count {
            let s = score(query, document: i)
            if s > 0 { scored.append((index: i, score: s)) }
        }
        scored.sort { a, b in a.score != b.score ? a.score > b.score : a.index < b.index }
        return Array(scored.prefix(limit))
    }

    /// Lower-cased, stop-word-free, lightly stemmed tokens.
    public static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { current.append(ch) } else {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens.filter { !stopWords.contains($0) }.map(stem)
    }

    static func stem(_ word: String) -> String {
        var w = word
        if w.count > 5, w.hasSuffix("ing") { w.removeLast(3) } else if w.count > 4, w.hasSuffix("ed") {
            w.removeLast(2)
        } else if w.count > 4, w.hasSuffix("es"), !w.hasSuffix("ses") { w.removeLast(2) } else if w.count > 3,
            w.hasSuffix("s"), !w.hasSuffix("ss"), !w.hasSuffix("us"), !w.hasSuffix("is")
        {
            w.removeLast()
        }
        return w
    }

    static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "has", "have", "how",
        "i", "if", "in", "is", "it", "its", "me", "my", "of", "on", "or", "so", "that", "the", "this", "to", "was",
        "what", "when", "which", "who", "why", "will", "with", "you", "your", "am", "there", "their", "these",
        "those", "about", "would", "should", "could", "mean", "means", "result", "test",
    ]
}
