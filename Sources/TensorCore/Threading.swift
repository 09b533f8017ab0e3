import COpenBLAS
import Dispatch
import Synchronization

/// The tensor core's thread setting: how many cores Vigil's kernels use.
///
/// Vigil does its own parallelism (split of matrix products, im2col tiles, batch samples, planes) and
/// keeps OpenBLAS single-threaded, so that kernels never oversubscribe the cores by nesting two thread
/// pools. Set the count once at start-up (`vigil --threads N`, `VIGIL_THREADS`, or a server setting). A
/// server that scores many requests at once may prefer `1` here and parallelism across requests.
///
/// ```swift
/// TensorThreads.count = 2
/// TensorThreads.parallelFor(rows) { r in … }
/// ```
public enum TensorThreads {
    private static let current = Atomic<Int>(defaultCount())

    /// Cores of this machine visible to the process, or the `VIGIL_THREADS` environment value when set.
    public static func defaultCount() -> Int {
        if let raw = getenv("VIGIL_THREADS"), let n = Int(String(cString: raw)), n > 0 { return n }
        return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// Threads used by Vigil's kernels. Always ≥ 1.
    public static var count: Int {
        get { current.load(ordering: .relaxed) }
        set { current.store(max(1, newValue), ordering: .relaxed) }
    }

    /// An upper bound of `count` for sizing per-thread scratch space when a model is planned:
    /// the larger of the cores visible and the current setting. Kernels never use more threads than
    /// the scratch space they were given has room for.
    public static var plannedMaximum: Int { max(count, defaultCount()) }

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
