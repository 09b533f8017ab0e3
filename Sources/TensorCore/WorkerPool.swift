import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small pool of persistent worker threads for `TensorThreads.parallelChunks`.
///
/// Kernels of a 1-D CNN take tens of microseconds each, and waking threads through a general-purpose
/// queue costs about as much; so workers spin briefly on an atomic job counter after each job (taking
/// new work within a microsecond), then sleep on a condition variable until the next one. The calling
/// thread always takes part, and chunks are claimed from a shared counter, so any number of chunks can
/// be run with any number of workers.
final class WorkerPool: @unchecked Sendable {
    /// Workers besides the calling thread.
    let workerCount: Int
    private let generation = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    /// The current job as an unmanaged `JobBox` pointer (0 when none). A participant registers in `active`
    /// before loading it, and the submitter clears it and waits for `active` to reach 0 before releasing
    /// the box, so no thread can touch a job whose closure has gone out of scope.
    private let jobBits = Atomic<Int>(0)
    private let active = Atomic<Int>(0)

    private final class JobBox {
        let body: (Int) -> Void
        let chunks: Int
        init(_ body: @escaping (Int) -> Void, chunks: Int) { self.body = body; self.chunks = chunks }
    }
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    /// One job at a time: callers from different threads take turns.
    private let submitLock = NSLockLite()

    /// Iterations a worker polls for new work before it sleeps (a few hundred microseconds).
    private static let spinIterations = 200_000

    init(workers: Int) {
        workerCount = max(0, workers)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        for _ in 0..<workerCount {
            // Workers live as long as the process (the pool is a static), so they retain the pool.
            let context = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, { raw in
                let pool = Unmanaged<WorkerPool>.fromOpaque(raw!).takeUnretainedValue()
                pool.workerLoop()
                return nil
            }, context)
            precondition(created == 0, "TensorThreads: cannot start a worker thread (pthread_create returned \(created))")
            pthread_detach(thread)
        }
    }

    private func workerLoop() {
        pthread_setspecific(TensorThreads.regionKey, UnsafeRawPointer(bitPattern: 1))
        var seen = generation.load(ordering: .acquiring)
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen && spins < Self.spinIterations { spins += 1 }
            if generation.load(ordering: .acquiring) == seen {
                pthread_mutex_lock(&mutex)
                while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(&condition, &mutex) }
                pthread_mutex_unlock(&mutex)
            }
            seen = generation.load(ordering: .acquiring)
            drain()
        }
    }

    /// Claims and runs chunks of the current job until none are left.
    private func drain() {
        active.wrappingAdd(1, ordering: .sequentiallyConsistent)
        let bits = jobBits.load(ordering: .sequentiallyConsistent)
        if bits != 0 {
            Unmanaged<JobBox>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!)._withUnsafeGuaranteedRef { box in
                while true {
                    let c = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                    if c >= box.chunks { break }
                    box.body(c)
                    pending.wrappingSubtract(1, ordering: .releasing)
                }
            }
        }
        active.wrappingSubtract(1, ordering: .sequentiallyConsistent)
    }

    /// Runs `body(c)` for every `c` in `0..<chunks` on the workers and the calling thread; returns when all
    /// are done and no worker holds `body` any more.
    func run(chunks: Int, _ body: @escaping (Int) -> Void) {
        submitLock.lock()
        defer { submitLock.unlock() }
        let box = Unmanaged.passRetained(JobBox(body, chunks: chunks))
        nextChunk.store(0, ordering: .relaxed)
        pending.store(chunks, ordering: .relaxed)
        jobBits.store(Int(bitPattern: box.toOpaque()), ordering: .sequentiallyConsistent)
        generation.wrappingAdd(1, ordering: .releasing)
        pthread_mutex_lock(&mutex)
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
        let previous = pthread_getspecific(TensorThreads.regionKey)
        pthread_setspecific(TensorThreads.regionKey, UnsafeRawPointer(bitPattern: 1))
        drain()
        pthread_setspecific(TensorThreads.regionKey, previous)
        while pending.load(ordering: .acquiring) > 0 { }
        jobBits.store(0, ordering: .sequentiallyConsistent)
        while active.load(ordering: .sequentiallyConsistent) > 0 { }
        box.release()
    }
}

/// A minimal mutex (pthread) so that TensorCore needs nothing from Foundation here.
final class NSLockLite: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    func lock() { pthread_mutex_lock(&m) }
    func unlock() { pthread_mutex_unlock(&m) }
}
