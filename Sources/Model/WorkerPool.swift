#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Threads that run the iterations of parallel loops together with the caller, kept for the life of
/// a trainer.
///
/// A training step is one parallel loop over its chunks, then a short serial part (gradient
/// reduction, optimizer), then the next step's loop a fraction of a millisecond later. Waking a
/// parked thread for every loop costs tens of microseconds on a VM (`DispatchQueue.concurrentPerform`
/// parks its workers between calls), which is several percent of a LeNet step; so a worker here first
/// spins for `spinLimit` — yielding its core to any other runnable thread as it does — and parks only
/// when no loop came. Which thread runs an iteration is decided at run time; what an iteration
/// computes must not depend on it.
final class WorkerPool {
    /// Threads that run iterations, the caller included.
    let threads: Int
    private let shared: Shared
    private var workers: [pthread_t] = []

    /// How long an idle worker spins before it parks, in nanoseconds.
    static let spinLimit: UInt64 = 500_000

    init(threads: Int) {
        precondition(threads >= 1, "WorkerPool needs at least one thread, got \(threads)")
        self.threads = threads
        shared = Shared()
        for _ in 1..<max(threads, 1) {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(shared).toOpaque()
            let status = pthread_create(&thread, nil, { context in
                let shared = Unmanaged<Shared>.fromOpaque(context!).takeRetainedValue()
                shared.work()
                return nil
            }, context)
            // Failing to start a thread is resource exhaustion, not an input error: the trainer
            // cannot promise its thread count.
            precondition(status == 0, "WorkerPool: pthread_create failed with \(status)")
            workers.append(thread)
        }
    }

    deinit {
        shared.stop()
        for thread in workers { pthread_join(thread, nil) }
    }

    /// Calls `body(i)` for every i in 0..<iterations, on the caller's thread and the workers; returns
    /// when every call has returned.
    func run(_ iterations: Int, _ body: (Int) -> Void) {
        if threads == 1 || iterations <= 1 {
            for i in 0..<iterations { body(i) }
            return
        }
        withoutActuallyEscaping(body) { shared.run(iterations, $0) }
    }

    /// The state the workers share with the pool; they keep it alive until they exit.
    private final class Shared: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        /// Bumped (under the mutex) when a loop is posted or the pool stops; read without it by
        /// spinning workers.
        private let generation = Atomic<Int>(0)
        /// Iterations of the current loop that have returned.
        private let completed = Atomic<Int>(0)
        // Guarded by `mutex`:
        private var body: ((Int) -> Void)?
        private var iterations = 0
        private var next = 0
        private var sleepers = 0
        private var stopping = false

        init() {
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(wake, nil)
        }

        deinit {
            pthread_cond_destroy(wake)
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
            wake.deallocate()
        }

        func run(_ count: Int, _ loop: @escaping (Int) -> Void) {
            pthread_mutex_lock(mutex)
            body = loop
            iterations = count
            next = 0
            completed.store(0, ordering: .relaxed)
            generation.wrappingAdd(1, ordering: .releasing)
            if sleepers > 0 { pthread_cond_broadcast(wake) }
            takeIterations()  // unlocks
            var spins = 0
            while completed.load(ordering: .acquiring) < count {
                spins += 1
                if spins & 63 == 0 { sched_yield() }
            }
            pthread_mutex_lock(mutex)
            body = nil  // no iteration is left to take, so no worker reads it again
            pthread_mutex_unlock(mutex)
        }

        /// Runs iterations of the posted loop until none is left. Called with the mutex held;
        /// returns with it released.
        private func takeIterations() {
            while next < iterations {
                let i = next
                next += 1
                do {
                    // Let go of the closure before counting the iteration: once all are counted,
                    // `run` returns and `withoutActuallyEscaping` checks nobody holds it.
                    let loop = body!
                    pthread_mutex_unlock(mutex)
                    loop(i)
                }
                completed.wrappingAdd(1, ordering: .releasing)
                pthread_mutex_lock(mutex)
            }
            pthread_mutex_unlock(mutex)
        }

        /// A worker's life: wait for a loop (spinning, then parked), help run it, repeat.
        func work() {
            var seen = generation.load(ordering: .acquiring)
            while true {
                let start = Self.now()
                var spins = 0
                while generation.load(ordering: .acquiring) == seen {
                    spins += 1
                    if spins & 63 == 0 {
                        if Self.now() &- start > WorkerPool.spinLimit { break }
                        sched_yield()
                    }
                }
                pthread_mutex_lock(mutex)
                while generation.load(ordering: .relaxed) == seen && !stopping {
                    sleepers += 1
                    pthread_cond_wait(wake, mutex)
                    sleepers -= 1
                }
                if stopping {
                    pthread_mutex_unlock(mutex)
                    return
                }
                seen = generation.load(ordering: .relaxed)
                takeIterations()
            }
        }

        func stop() {
            pthread_mutex_lock(mutex)
            stopping = true
            generation.wrappingAdd(1, ordering: .releasing)
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
        }

        private static func now() -> UInt64 {
            var time = timespec()
            clock_gettime(CLOCK_MONOTONIC, &time)
            return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
        }
    }
}
