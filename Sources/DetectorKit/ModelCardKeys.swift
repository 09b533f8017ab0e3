import Foundation

/// Reads a detector's own keys out of a model card object (an input's `preprocessing`, say), naming the card's
/// file and the full key in every refusal, so a card with a wrong value fails at load time with a message a model
/// team can act on (`model.card.json: io.inputs[0].preprocessing.sampleRateHz must be …`). Every detector that
/// reads card keys uses this one reader.
public struct ModelCardKeys: Sendable {
    /// The card's path (for messages).
    public let path: String
    /// The object's members.
    public let values: [String: JSONValue]
    /// The object's own key path, ending in `.` (e.g. `io.inputs[0].preprocessing.`).
    public let prefix: String

    /// A reader over `values`, found at `prefix` in the card at `path`.
    public init(path: String, values: [String: JSONValue], prefix: String) {
        self.path = path
        self.values = values
        self.prefix = prefix
    }

    /// The refusal for `key`.
    public func fail(_ key: String, _ problem: String) -> ModelCardKeyError {
        ModelCardKeyError(path: path, key: prefix + key, problem: problem)
    }

    /// Whether `key` is present with a value other than null.
    public func has(_ key: String) -> Bool { values[key].map { $0 != .null } ?? false }

    /// A required finite number.
    public func number(_ key: String) throws(ModelCardKeyError) -> Double {
        guard let value = values[key], value != .null else { throw fail(key, "is missing") }
        guard let number = value.doubleValue, number.isFinite else { throw fail(key, "must be a number, got \(value)") }
        return number
    }

    /// A number with a default when absent (or null).
    public func number(_ key: String, default fallback: Double) throws(ModelCardKeyError) -> Double {
        has(key) ? try number(key) : fallback
    }

    /// A required number that must be > 0.
    public func positive(_ key: String) throws(ModelCardKeyError) -> Double {
        let v = try number(key)
        if v <= 0 { throw fail(key, "must be > 0, got \(v)") }
        return v
    }

    /// A required whole number in `range`.
    public func integer(_ key: String, in range: ClosedRange<Int>) throws(ModelCardKeyError) -> Int {
        guard let value = values[key], value != .null else { throw fail(key, "is missing") }
        guard let n = value.intValue, range.contains(n) else {
            throw fail(key, "must be an integer from \(range.lowerBound) to \(range.upperBound), got \(value)")
        }
        return n
    }

    /// A whole number ≥ `minimum` with a default when absent (or null).
    public func integer(_ key: String, default fallback: Int, minimum: Int) throws(ModelCardKeyError) -> Int {
        guard has(key), let value = values[key] else { return fallback }
        guard let n = value.intValue else { throw fail(key, "must be an integer, got \(value)") }
        if n < minimum { throw fail(key, "must be ≥ \(minimum), got \(n)") }
        return n
    }

    /// A required string.
    public func string(_ key: String) throws(ModelCardKeyError) -> String {
        guard let value = values[key], value != .null else { throw fail(key, "is missing") }
        guard let s = value.stringValue else { throw fail(key, "must be a string, got \(value)") }
        return s
    }

    /// One of an enumeration's raw values, with a default when absent (or null).
    public func choice<T: RawRepresentable>(_ key: String, default fallback: T) throws(ModelCardKeyError) -> T
    where T.RawValue == String, T: CaseIterable {
        guard has(key), let value = values[key] else { return fallback }
        guard let raw = value.stringValue, let v = T(rawValue: raw) else {
            throw fail(key, "must be " + T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ") + ", got \(value)")
        }
        return v
    }

    /// A nested object, or nil when absent.
    public func object(_ key: String) throws(ModelCardKeyError) -> ModelCardKeys? {
        guard has(key), let value = values[key] else { return nil }
        guard let members = value.objectValue else { throw fail(key, "must be an object, got \(value)") }
        return ModelCardKeys(path: path, values: members, prefix: prefix + key + ".")
    }

    /// A non-empty list of strings, or nil when absent.
    public func strings(_ key: String) throws(ModelCardKeyError) -> [String]? {
        guard has(key), let value = values[key] else { return nil }
        guard let items = value.arrayValue, !items.isEmpty, items.allSatisfy({ $0.stringValue != nil }) else {
            throw fail(key, "must be a non-empty list of strings, got \(value)")
        }
        return items.compactMap(\.stringValue)
    }

    /// A list of numbers, or nil when absent.
    public func numbers(_ key: String) throws(ModelCardKeyError) -> [Double]? {
        guard has(key), let value = values[key] else { return nil }
        guard let items = value.arrayValue, items.allSatisfy({ $0.doubleValue?.isFinite == true }) else {
            throw fail(key, "must be a list of numbers, got \(value)")
        }
        return items.compactMap(\.doubleValue)
    }

    /// A Boolean with a default when absent (or null).
    public func bool(_ key: String, default fallback: Bool) throws(ModelCardKeyError) -> Bool {
        guard has(key), let value = values[key] else { return fallback }
        guard let b = value.boolValue else { throw fail(key, "must be true or false, got \(value)") }
        return b
    }
}

/// A card key that is missing or has a value the detector cannot use.
public struct ModelCardKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The card's path.
    public let path: String
    /// The full key (e.g. `io.inputs[0].preprocessing.sampleRateHz`).
    public let key: String
    /// What is wrong (`is missing`, `must be …, got …`).
    public let problem: String

    /// `key problem`, the part a detector's own error wraps.
    public var keyAndProblem: String { "\(key) \(problem)" }

    /// `path: key problem`.
    public var description: String { "\(path): \(keyAndProblem)" }
}

extension OutputLabel {
    /// The calibrated log-odds of a raw model output: `raw / temperature` for logits, `logit(p) / temperature` for
    /// probabilities (p clamped to [1e-7, 1 − 1e-7]); non-finite raw values pass through. `sigmoid` of it is
    /// ``calibratedProbability(raw:kind:)`` (up to the clamp).
    public func calibratedLogOdds(raw: Double, kind: OutputKind) -> Double {
        switch kind {
        case .logits, .maskLogits:
            return raw / temperature
        case .probabilities:
            guard raw.isFinite else { return raw }
            let p = min(1 - 1e-7, max(1e-7, raw))
            return log(p / (1 - p)) / temperature
        }
    }

    /// The raw logit at or above which `sigmoid(logit / temperature) ≥ operatingThreshold` (−∞ for threshold 0,
    /// +∞ for threshold 1): the operating point on the model's own scale, for thresholding masks without a sigmoid
    /// per pixel.
    public var logitThreshold: Double {
        let t = operatingThreshold
        if t <= 0 { return -.infinity }
        if t >= 1 { return .infinity }
        return temperature * log(t / (1 - t))
    }
}
