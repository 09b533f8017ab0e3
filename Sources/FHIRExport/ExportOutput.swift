import Foundation

/// Where an export writes: a file handle (standard output, a file) or memory (tests). Writes are
/// buffered and flushed in chunks, so an export of any size holds one chunk and one input at a time.
public final class ExportOutput {
    private let handle: FileHandle?
    private var buffer = Data()
    /// What was written, for a memory output.
    public private(set) var memory = Data()
    private static let chunk = 1 << 16

    /// Writes to `handle`.
    public init(handle: FileHandle) { self.handle = handle }
    /// Keeps the output in ``memory``.
    public init() { handle = nil }

    /// Appends text.
    public func write(_ text: String) throws { try write(Data(text.utf8)) }

    /// Appends bytes.
    public func write(_ data: Data) throws {
        buffer.append(data)
        if buffer.count >= Self.chunk { try flush() }
    }

    /// Writes out what is buffered.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        if let handle { try handle.write(contentsOf: buffer) } else { memory.append(buffer) }
        buffer.removeAll(keepingCapacity: true)
    }
}
