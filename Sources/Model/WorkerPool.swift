#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Threads that run the iterations of parallel loops together with the caller, kept for the life of
/// a trainer.
///
/// A LeNet training step is one parallel loop of about 1.5 ms, a serial part of about 0.1 ms, then
/// the next loop. On a VM, waking a parked thread takes about 40 µs, and `concurrentPerform` pays it
/// twice a loop: its worker wakes to start, and the caller, parked while the worker finishes, wakes
/// to return (measured per step in the trainer). So here nobody parks on the hot path:
/// - iterations are taken with one compare-and-swap on a word holding (loop tag, front, back); the
///   caller takes from the front, the workers from the back, so with two threads the same iterations
///   (the same trainer replicas, whose memory is then in that core's cache) usually run on the same
///   thread loop after loop;
/// - the caller spins until every iteration has returned;
/// - an idle worker spins for `spinLimit`, yielding its core to any other runnable thread as it
///   does, and parks only when no loop came.
/// Which thread runs an iteration is decided at run time; what an iteration computes must not
/// depend on it.
final class WorkerPool {
    /// Threads that run iterations, the caller included: the number asked for, but no more than
    /// the machine's online processors (a spinning thread without a core of its own only takes
    /// time from the others).
    let threads: Int
    private let shared: Shared
    private var workers: [pthread_t] = []

    /// How long an idle worker spins before it parks, in nanoseconds.
    static let spinLimit: UInt64 = 500_000
    /// Processors online now.
    static var onlineProcessors: Int { sysconf(Int32(_SC_NPROCESSORS_ONLN)) }
    /// Loops after which the claim word's tag repeats (it counts in 23 bits).
    static let tagPeriod = (1 << 23) - 1
    /// Most iterations of one posted loop (they are counted in 20 bits of the claim word).
    static let maxIterations = (1 << 20) - 1

    /// `processors` caps the thread count (tests raise it to run more threads than cores).
    init(threads: Int, processors: Int = WorkerPool.onlineProcessors) {
        precondition(threads >= 1, "WorkerPool needs at least one thread, got \(threads)")
        self.threads = min(threads, max(1, processors))
        shared = Shared()
        for _ in 1..<self.threads {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(shared).toOpaque()
            let status = pthread_create(&thread, nil, { context in
                let shared = Unmanaged<Shared>.fromOpaque(context!).takeRetainedValue()
                shared.work()
                return nil
            }, context)
            // Failing to start a thread is resource exhaustion, not an input error: the trainer
            // cannot keep its promise of a thread count.
            precondition(status == 0, "WorkerPool: pthread_create failed with \(status)")
            workers.append(thread)
        }
    }

    deinit {
        shared.stop()
        for thread in workers { pthread_join(thread, nil) }
    }

    /// Calls `body(i)` for every i in 0..<iterations, on the caller's thread and the workers; returns
    /// when every call has returned. Not reentrant: one loop at a time, from one thread.
    /// A loop of more than `maxIterations` runs as several loops in a row.
    func run(_ iterations: Int, _ body: (Int) -> Void) {
        precondition(iterations >= 0, "WorkerPool.run: \(iterations) iterations")
        if threads == 1 || iterations <= 1 {
            for i in 0..<iterations { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            for first in stride(from: 0, to: iterations, by: Self.maxIterations) {
                let count = min(Self.maxIterations, iterations - first)
                var job = Job(body: first == 0 ? body : { body(first + $0) })
                withUnsafeMutablePointer(to: &job) { shared.run(count, $0) }
            }
        }
    }

    /// The loop being run; lives on the caller's stack for the duration of `run`.
    private struct Job {
        let body: (Int) -> Void
    }

    /// The state the workers share with the pool; they keep it alive until they exit.
    private final class Shared: @unchecked Sendable {
        /// (tag: 23 bits above the two fields, front: 20 bits, back: 20 bits), never negative. The tag
        /// changes with every loop, so a worker that saw one loop's tag claims no iteration of a later
        /// loop by mistake (short of 2^23 loops passing in between, which `work` makes harmless).
        private let claims = Atomic<Int>(0)
        /// The current loop's `Job`, as an address; valid while its iterations are not all done.
        private let job = Atomic<Int>(0)
        /// Iterations of the current loop that have returned.
        private let completed = Atomic<Int>(0)
        /// Workers parked (or about to park) on `wake`.
        private let sleepers = Atomic<Int>(0)
        private let stopping = Atomic<Bool>(false)
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private var tag = 0
        /// Set while `run` runs: a loop posted from inside another (nested, or from a second
        /// thread) would reset the counters under the first.
        private let busy = Atomic<Bool>(false)

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

        private static let fieldBits = 20
        private static let fieldMask = (1 << fieldBits) - 1
        /// 23 bits, so that tag << 40 stays clear of the sign bit and `word >> 40` gives it back.
        private static let tagMask = WorkerPool.tagPeriod

        func run(_ iterations: Int, _ current: UnsafeMutablePointer<Job>) {
            precondition(!busy.exchange(true, ordering: .acquiring),
                         "WorkerPool.run called while a loop of the same pool runs (nested or from another thread)")
            defer { busy.store(false, ordering: .releasing) }
            tag = tag % Self.tagMask + 1  // 1...tagMask: 0 stays the word's value before any loop
            completed.store(0, ordering: .relaxed)
            job.store(Int(bitPattern: UInt(bitPattern: current)), ordering: .relaxed)
            // Publishes the job and the counter reset with it.
            claims.store(tag << (2 * Self.fieldBits) | iterations, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(wake)
                pthread_mutex_unlock(mutex)
            }
            while let i = claim(fromFront: true, tag: tag) {
                current.pointee.body(i)
                completed.wrappingAdd(1, ordering: .releasing)
            }
            var spins = 0
            while completed.load(ordering: .acquiring) < iterations {
                spins += 1
                if spins & 63 == 0 { sched_yield() }
            }
        }

        /// Takes the next unstarted iteration of loop `tag` from the front or the back, or nil when
        /// none is left or the loop is no longer `tag`.
        ///
        /// A worker reads the job pointer only after a successful claim. The claiming
        /// compare-and-swap (acquiring) read the word that this loop's caller stored after storing
        /// the job (or a later claim on it), so the load sees this loop's job or a later one; and no
        /// later job can be stored before the claimed iteration is counted as completed. So the
        /// pointer is the claimed iteration's loop's, valid until that iteration is counted — even
        /// if the tag wrapped while the worker was descheduled.
        private func claim(fromFront: Bool, tag: Int) -> Int? {
            var word = claims.load(ordering: .acquiring)
            while true {
                guard word >> (2 * Self.fieldBits) == tag else { return nil }
                let front = (word >> Self.fieldBits) & Self.fieldMask, back = word & Self.fieldMask
                guard front < back else { return nil }
                let (next, claimed) = fromFront
                    ? (word + (1 << Self.fieldBits), front)
                    : (word - 1, back - 1)
                let (exchanged, original) = claims.compareExchange(
                    expected: word, desired: next, successOrdering: .acquiring, failureOrdering: .acquiring)
                if exchanged { return claimed }
                word = original
            }
        }

        /// A worker's life: wait for a loop (spinning, then parked), help run it, repeat.
        func work() {
            // Tag 0 is the word's value before the first loop: a worker that starts after a loop
            // was posted still helps with it.
            var seen = 0
            while true {
                guard let current = waitForLoop(after: seen) else { return }
                seen = current
                while let i = claim(fromFront: false, tag: current) {
                    // After the claim, not before: see `claim`.
                    let address = job.load(ordering: .acquiring)
                    let pointer = UnsafeMutablePointer<Job>(bitPattern: UInt(bitPattern: address))!
                    pointer.pointee.body(i)
                    completed.wrappingAdd(1, ordering: .releasing)
                }
            }
        }

        /// The tag of the next loop after `seen`, or nil when the pool stops.
        private func waitForLoop(after seen: Int) -> Int? {
            var start: UInt64 = 0
            var spins = 0
            while true {
                if stopping.load(ordering: .acquiring) { return nil }
                let current = claims.load(ordering: .acquiring) >> (2 * Self.fieldBits)
                if current != seen { return current }
                spins += 1
                guard spins & 63 == 0 else { continue }
                let now = Self.now()
                if start == 0 { start = now }
                if now &- start <= WorkerPool.spinLimit {
                    sched_yield()
                    continue
                }
                pthread_mutex_lock(mutex)
                sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                while claims.load(ordering: .sequentiallyConsistent) >> (2 * Self.fieldBits) == seen
                        && !stopping.load(ordering: .sequentiallyConsistent) {
                    pthread_cond_wait(wake, mutex)
                }
                sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
                start = 0
            }
        }

        func stop() {
            pthread_mutex_lock(mutex)
            stopping.store(true, ordering: .sequentiallyConsistent)
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
