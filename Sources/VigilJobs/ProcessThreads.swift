import TensorCore

/// The tensor core's process-wide default thread count (`--threads`, `VIGIL_THREADS`): what an inference
/// session uses when its caller names no count. Per-call counts (batch workers, sessions) still win.
public enum ProcessThreads {
    /// Sets the default for sessions created from now on.
    /// - Throws: ``JobError`` when `count` is below 1.
    public static func setDefault(_ count: Int) throws {
        guard count >= 1 else { throw JobError("--threads must be at least 1") }
        TensorThreads.processDefault = count
    }
}
