import COpenBLAS
import Dispatch
import Synchronization

/// The tensor core's thread setting: how many cores Vigil's kernels use.
///
/// Vigil does its own parallelism (split of matrix products, im2col tiles, batch samples, planes) and
/// keeps OpenBLAS single-threaded, so that kernels never oversubscribe the cores by nesting two thread
/// pools. Two levels, as ONNX Runtime's session options and per-run settings:
/// - the process default (`vigil --threads N`, `VIGIL_THREADS`, else every core), ``processDefault``;
/// - a budget for one call and everything it runs, ``withThreads(_:_:)`` (synchronous or async, bound to the
///   task, so concurrent callers each keep their own): an ``ONNXEngine`` session created with `threads:`, or a
///   batch worker that owns one core of N.
///
/// ```swift
/// TensorThreads.withThreads(1) { session.run(x) }        // this call: one thread
/// TensorThreads.parallelFor(rows) { r in … }             // splits over `count`
/// ```
public enum TensorThreads {
    private static let current = Atomic<Int>(defaultCount())

    /// The budget bound by ``withThreads(_:_:)`` for the current task or thread (nil: the process default).
    @TaskLocal static var budget: Int?

    /// Runs `body` with at most `threads` threads for the tensor core (at least 1), for this call only: other
    /// tasks and threads keep their own setting. Nested calls take the innermost budget.
    public static func withThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        try $budget.withValue(max(1, threads), operation: body)
    }

    /// Runs the async `body` with at most `threads` threads for the tensor core, for this task and its child
    /// tasks only.
    public static func withThreads<T: Sendable>(_ threads: Int, isolation: isolated (any Actor)? = #isolation,
                                                _ body: () async throws -> T) async rethrows -> T {
        try await $budget.withValue(max(1, threads), operation: body, isolation: isolation)
    }

    /// The process's threads shared out among `parts` concurrent users (batch workers, scoring slots): at least 1
    /// each, so that N users on N threads run with one thread each and the cores are owned once.
    public static func share(among parts: Int) -> Int { max(1, processDefault / max(1, parts)) }

    /// The process-wide default (what ``count`` is outside any ``withThreads(_:_:)``). Set it once at start-up.
    public static var processDefault: Int {
        get { current.load(ordering: .relaxed) }
        set { current.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Cores of this machine visible to the process, or the `VIGIL_THREADS` environment value when set.
    public static func defaultCount() -> Int {
        if let raw = getenv("VIGIL_THREADS"), let n = Int(String(cString: raw)), n > 0 { return n }
        return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// Threads Vigil's kernels use here: the innermost ``withThreads(_:_:)`` budget, else the process default.
    /// Always ≥ 1. Setting it sets the process default (prefer ``processDefault`` or ``withThreads(_:_:)``).
    public static var count: Int {
        get { budget ?? current.load(ordering: .relaxed) }
        set { current.store(max(1, newValue), ordering: .relaxed) }
    }

    /// An upper bound of `count` for sizing per-thread scratch space when a model is planned:
    /// the larger of the cores visible and the current setting. Kernels never use more threads than
    /// the scratch space they were given has room for.
    public static var plannedMaximum: Int { max(processDefault, defaultCount(), budget ?? 1) }

    /// Keeps OpenBLAS single-threaded; called before the first product.
    @usableFromInline
    static let applyOnce: Void = { openblas_set_num_threads(1) }()

    /// True on threads that are running a chunk of `parallelFor`: nested loops then run inline.
    @usableFromInline
    static var isInParallelRegion: Bool { pthread_getspecific(regionKey) != nil }

    @usableFromInline
    static let regionKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body(i)` for `i` in `0..<n`, split over `count` threads in contiguous chunks.
    /// Runs inline when `count == 1`, when `n` is small (fewer than `minimumPerThread` items per thread),
    /// or when called from inside another `parallelFor`.
    @inlinable
    public static func parallelFor(_ n: Int, minimumPerThread: Int = 1, _ body: (Int) -> Void) {
        let threads = isInParallelRegion ? 1 : min(count, max(1, n / max(1, minimumPerThread)))
        if threads <= 1 || n <= 1 {
            for i in 0..<n { body(i) }
            return
        }
        parallelChunks(threads) { c in
            let lo = n * c / threads, hi = n * (c + 1) / threads
            for i in lo..<hi { body(i) }
        }
    }

    /// Runs `body(c)` for each chunk index `c` in `0..<chunks` concurrently (one chunk per thread).
    /// Use it when each chunk needs its own scratch slice; chunks run inline inside another region.
    public static func parallelChunks(_ chunks: Int, _ body: (Int) -> Void) {
        if chunks <= 1 || isInParallelRegion {
            for c in 0..<chunks { body(c) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // The chunks touch disjoint memory; callers guarantee `body` is safe to run concurrently.
            pool.run(chunks: chunks, body)
        }
    }

    /// Persistent workers (one fewer than the planned maximum; the caller is the last one).
    static let pool = WorkerPool(workers: plannedMaximum - 1)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
