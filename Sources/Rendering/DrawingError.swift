/// A drawing request that cannot be honoured (sizes that do not match, non-finite values, empty images).
/// File errors use ``RenderingError``, which names the file.
public struct DrawingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, naming the operation and the offending value.
    public let detail: String

    /// Creates an error.
    public init(_ detail: String) { self.detail = detail }

    /// The detail text.
    public var description: String { detail }
}
