import DetectorKit

/// Reads the CT detector's keys out of a card's `preprocessing` object, naming the card and key in
/// every error.
struct CardKeys {
    let path: String
    let values: [String: JSONValue]
    let prefix: String

    func fail(_ key: String, _ problem: String) -> CTDetectorError {
        .cardKey(path: path, key: prefix + key, problem: problem)
    }

    /// A required finite number.
    func number(_ key: String) throws -> Double {
        guard let value = values[key] else { throw fail(key, "is missing") }
        guard let number = value.doubleValue, number.isFinite else { throw fail(key, "must be a number, got \(value)") }
        return number
    }

    /// A number with a default when absent.
    func number(_ key: String, default fallback: Double) throws -> Double {
        values[key] == nil ? fallback : try number(key)
    }

    /// A required number that must be > 0.
    func positive(_ key: String) throws -> Double {
        let v = try number(key)
        if v <= 0 { throw fail(key, "must be > 0, got \(v)") }
        return v
    }

    /// An integer ≥ `minimum` with a default when absent.
    func integer(_ key: String, default fallback: Int, minimum: Int) throws -> Int {
        guard let value = values[key] else { return fallback }
        guard let n = value.intValue else { throw fail(key, "must be an integer, got \(value)") }
        if n < minimum { throw fail(key, "must be ≥ \(minimum), got \(n)") }
        return n
    }

    /// A nested object, or nil when absent.
    func object(_ key: String) throws -> CardKeys? {
        guard let value = values[key] else { return nil }
        guard let members = value.objectValue else { throw fail(key, "must be an object, got \(value)") }
        return CardKeys(path: path, values: members, prefix: prefix + key + ".")
    }

    /// A list of strings, or nil when absent.
    func strings(_ key: String) throws -> [String]? {
        guard let value = values[key] else { return nil }
        guard let items = value.arrayValue, let strings = Optional(items.compactMap(\.stringValue)),
              strings.count == items.count, !strings.isEmpty
        else { throw fail(key, "must be a non-empty list of strings, got \(value)") }
        return strings
    }

    /// A Boolean with a default when absent.
    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = values[key] else { return fallback }
        guard let b = value.boolValue else { throw fail(key, "must be true or false, got \(value)") }
        return b
    }
}
