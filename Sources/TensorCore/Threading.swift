import COpenBLAS
import Dispatch
import Synchronization

/// The tensor core's thread setting: how many cores OpenBLAS and Vigil's own parallel loops use.
///
/// Set it once at start-up (`vigil --threads N`, or a server setting). A server that scores many
/// requests at once may prefer `1` here and parallelism across requests instead.
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

    /// Threads used by matrix products (OpenBLAS) and by `parallelFor`. Always ≥ 1.
    public static var count: Int {
        get { current.load(ordering: .relaxed) }
        set {
            let n = max(1, newValue)
            current.store(n, ordering: .relaxed)
            openblas_set_num_threads(Int32(n))
        }
    }

    /// Makes OpenBLAS agree with `count`; called before the first product.
    @usableFromInline
    static let applyOnce: Void = { openblas_set_num_threads(Int32(current.load(ordering: .relaxed))) }()

    /// Runs `body(i)` for `i` in `0..<n`, split over `count` threads in contiguous chunks.
    /// Runs inline when `count == 1` or `n` is small (fewer than `minimumPerThread` items per thread).
    @inlinable
    public static func parallelFor(_ n: Int, minimumPerThread: Int = 1, _ body: (Int) -> Void) {
        let threads = min(count, max(1, n / max(1, minimumPerThread)))
        if threads <= 1 || n <= 1 {
            for i in 0..<n { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // The chunks touch disjoint indices; callers guarantee `body` is safe to run concurrently.
            let box = UncheckedSendableBox(body)
            let chunks = threads
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = n * c / chunks, hi = n * (c + 1) / chunks
                for i in lo..<hi { box.value(i) }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Carries a value into a concurrent closure when the caller guarantees the accesses are disjoint.
@usableFromInline
struct UncheckedSendableBox<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}
