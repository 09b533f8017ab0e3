/// What a finding points at, so a clinician can check it: an ECG lead and time span, a CT slice and
/// region, an image, a measurement, or a sentence.
///
/// In JSON each item is an object with an explicit `"type"` discriminator:
///
/// ```json
/// {"type": "leadSpan", "lead": "II", "startSeconds": 1.25, "endSeconds": 3.5, "note": "irregular RR"}
/// {"type": "slice", "index": 57, "region": {"x": 210, "y": 188, "width": 36, "height": 30}}
/// {"type": "image", "path": "renders/ct-57.png", "caption": "axial slice 57"}
/// {"type": "measurementRef", "name": "QTc"}
/// {"type": "text", "text": "No P waves before QRS complexes"}
/// ```
///
/// A `"type"` this build does not know is a decoding error naming it, never silently dropped: a newer
/// writer's evidence must not vanish from what an older reader shows a clinician.
public enum Evidence: Sendable, Hashable, Codable {
    /// An ECG lead (`"I"`, `"II"`, `"V1"`, …) between two times, in seconds from the recording start.
    case leadSpan(lead: String, startSeconds: Double, endSeconds: Double, note: String? = nil)
    /// A slice of an image volume (0-based index along the stacking axis) and optionally an in-plane
    /// region of it, in pixels.
    case slice(index: Int, region: BoundingBox? = nil, note: String? = nil)
    /// A rendered image (heat map, overlay), by path relative to the finding's store or an absolute URL.
    case image(path: String, caption: String? = nil)
    /// A measurement of the same finding, by its ``FindingMeasurement/name``.
    case measurementRef(name: String)
    /// A free-text statement.
    case text(String)

    /// The discriminator values, as written in JSON `"type"`.
    public static let knownTypes = ["leadSpan", "slice", "image", "measurementRef", "text"]

    /// This item's `"type"` value.
    public var type: String {
        switch self {
        case .leadSpan: "leadSpan"
        case .slice: "slice"
        case .image: "image"
        case .measurementRef: "measurementRef"
        case .text: "text"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, lead, startSeconds, endSeconds, note, index, region, path, caption, name, text
    }

    /// Decodes by `"type"`; an unknown type throws, naming it and the known ones.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "leadSpan":
            self = .leadSpan(
                lead: try c.decode(String.self, forKey: .lead),
                startSeconds: try c.decode(Double.self, forKey: .startSeconds),
                endSeconds: try c.decode(Double.self, forKey: .endSeconds),
                note: try c.decodeIfPresent(String.self, forKey: .note))
        case "slice":
            self = .slice(
                index: try c.decode(Int.self, forKey: .index),
                region: try c.decodeIfPresent(BoundingBox.self, forKey: .region),
                note: try c.decodeIfPresent(String.self, forKey: .note))
        case "image":
            self = .image(
                path: try c.decode(String.self, forKey: .path),
                caption: try c.decodeIfPresent(String.self, forKey: .caption))
        case "measurementRef":
            self = .measurementRef(name: try c.decode(String.self, forKey: .name))
        case "text":
            self = .text(try c.decode(String.self, forKey: .text))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown evidence type '\(type)' (this build reads: "
                    + "\(Self.knownTypes.joined(separator: ", "))); the data may come from a newer Vigil")
        }
    }

    /// Encodes with the `"type"` discriminator; absent optional members are omitted.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        switch self {
        case let .leadSpan(lead, start, end, note):
            try c.encode(lead, forKey: .lead)
            try c.encode(start, forKey: .startSeconds)
            try c.encode(end, forKey: .endSeconds)
            try c.encodeIfPresent(note, forKey: .note)
        case let .slice(index, region, note):
            try c.encode(index, forKey: .index)
            try c.encodeIfPresent(region, forKey: .region)
            try c.encodeIfPresent(note, forKey: .note)
        case let .image(path, caption):
            try c.encode(path, forKey: .path)
            try c.encodeIfPresent(caption, forKey: .caption)
        case let .measurementRef(name):
            try c.encode(name, forKey: .name)
        case let .text(text):
            try c.encode(text, forKey: .text)
        }
    }

    func validate(_ check: FieldCheck, at field: String, measurementNames: Set<String>) throws {
        switch self {
        case let .leadSpan(lead, start, end, note):
            try check.nonEmpty(lead, "\(field).lead")
            try check.finite(start, "\(field).startSeconds")
            try check.finite(end, "\(field).endSeconds")
            if start < 0 { throw check.fail("\(field).startSeconds", "must be ≥ 0, got \(start)") }
            if end < start {
                throw check.fail("\(field).endSeconds", "must be ≥ startSeconds (\(start)), got \(end)")
            }
            if let note { try check.nonEmpty(note, "\(field).note") }
        case let .slice(index, region, note):
            if index < 0 { throw check.fail("\(field).index", "must be ≥ 0, got \(index)") }
            if let region { try region.validate(check, at: "\(field).region") }
            if let note { try check.nonEmpty(note, "\(field).note") }
        case let .image(path, caption):
            try check.nonEmpty(path, "\(field).path")
            if let caption { try check.nonEmpty(caption, "\(field).caption") }
        case let .measurementRef(name):
            if !measurementNames.contains(name) {
                let known = measurementNames.sorted().joined(separator: ", ")
                throw check.fail("\(field).name",
                                 "refers to measurement '\(name)', which this finding does not have (has: \(known.isEmpty ? "none" : known))")
            }
        case let .text(text):
            try check.nonEmpty(text, "\(field).text")
        }
    }
}

/// An axis-aligned rectangle in a slice, in pixels: `x` columns and `y` rows from the top-left corner.
public struct BoundingBox: Sendable, Hashable, Codable {
    /// Left edge (column of the first pixel), ≥ 0.
    public let x: Int
    /// Top edge (row of the first pixel), ≥ 0.
    public let y: Int
    /// Width in pixels, > 0.
    public let width: Int
    /// Height in pixels, > 0.
    public let height: Int

    /// Creates a rectangle; checked when the finding that holds it is created.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        if x < 0 { throw check.fail("\(field).x", "must be ≥ 0, got \(x)") }
        if y < 0 { throw check.fail("\(field).y", "must be ≥ 0, got \(y)") }
        if width <= 0 { throw check.fail("\(field).width", "must be > 0, got \(width)") }
        if height <= 0 { throw check.fail("\(field).height", "must be > 0, got \(height)") }
    }
}
