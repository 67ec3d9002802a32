import Foundation

/// Iterates the batches of one epoch, prepared ahead by worker threads into a bounded queue.
///
/// Workers claim batch positions in order, but never more than `prefetch` past the batch the
/// consumer waits for; finished batches wait in a table keyed by position and are handed out in
/// order. Dropping the iterator (or `cancel()`) stops the workers after their current batch.
public final class BatchIterator: IteratorProtocol {
    public typealias Element = Result<Batch, Error>

    private let stream: BatchStream
    private let epoch: Int
    private let order: [Int]
    private let state: PrefetchState
    private var started = false
    private var finished = false

    init(stream: BatchStream, epoch: Int) {
        self.stream = stream
        self.epoch = epoch
        self.order = stream.order(epoch: epoch)
        self.state = PrefetchState(batchCount: stream.batchesPerEpoch, prefetch: stream.prefetch)
    }

    deinit { state.cancel() }

    /// The next batch, or a decoding error (after which the iteration ends), or nil at the end.
    public func next() -> Result<Batch, Error>? {
        guard !finished else { return nil }
        guard state.batchCount > 0 else {
            finished = true
            return nil
        }
        let result: Result<Batch, Error>
        if stream.workers == 0 {
            let position = state.takeNextPositionInline()
            result = Result { try stream.makeBatch(epoch: epoch, position: position, order: order) }
        } else {
            if !started { startWorkers() }
            result = state.take()
        }
        if case .failure = result {
            finished = true
            state.cancel()
        }
        if state.deliveredAll { finished = true }
        return result
    }

    /// The next batch, nil at the end of the epoch; throws the first decoding error.
    public func nextBatch() throws -> Batch? { try next()?.get() }

    /// Stops the workers; later calls to `next()` return nil.
    public func cancel() {
        finished = true
        state.cancel()
    }

    /// Worker threads still running (for tests of clean shutdown).
    var liveWorkers: Int { state.liveWorkers }

    /// The table shared with the workers (outlives the iterator while they run).
    var sharedState: PrefetchState { state }

    private func startWorkers() {
        started = true
        let (stream, epoch, order, state) = (self.stream, self.epoch, self.order, self.state)
        for w in 0..<stream.workers {
            state.workerStarted()
            let thread = Thread {
                while let position = state.claim() {
                    let result = Result {
                        try stream.makeBatch(epoch: epoch, position: position, order: order)
                    }
                    state.finish(position: position, result: result)
                }
                state.workerStopped()
            }
            thread.name = "workbench-stream-\(w)"
            thread.start()
        }
    }
}

/// The shared table between workers and consumer, guarded by one condition variable.
final class PrefetchState: @unchecked Sendable {
    let batchCount: Int
    private let prefetch: Int
    private let condition = NSCondition()
    private var nextToClaim = 0
    private var nextToDeliver = 0
    /// First position that failed: nothing past it is claimed.
    private var failedAt = Int.max
    private var ready: [Int: Result<Batch, Error>] = [:]
    private var cancelled = false
    private var live = 0

    init(batchCount: Int, prefetch: Int) {
        self.batchCount = batchCount
        self.prefetch = prefetch
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    /// The next position for a worker, waiting while `prefetch` batches are in flight; nil to stop.
    func claim() -> Int? {
        locked {
            while !cancelled && nextToClaim < min(batchCount, failedAt)
                && nextToClaim >= nextToDeliver + prefetch
            {
                condition.wait()
            }
            guard !cancelled && nextToClaim < min(batchCount, failedAt) else { return nil }
            defer { nextToClaim += 1 }
            return nextToClaim
        }
    }

    func finish(position: Int, result: Result<Batch, Error>) {
        locked {
            guard !cancelled else { return }
            if case .failure = result { failedAt = min(failedAt, position) }
            ready[position] = result
            condition.broadcast()
        }
    }

    /// Waits for the batch at the next position and hands it out.
    func take() -> Result<Batch, Error> {
        locked {
            let position = nextToDeliver
            while ready[position] == nil {
                if live == 0 && !cancelled && nextToClaim <= position {
                    // Cannot happen while workers run; guard against waiting forever.
                    return .failure(
                        DataError(path: "batch stream", "expected a worker for batch \(position), found none")
                    )
                }
                condition.wait()
            }
            let result = ready.removeValue(forKey: position)!
            nextToDeliver += 1
            condition.broadcast()
            return result
        }
    }

    func takeNextPositionInline() -> Int {
        locked {
            defer { nextToDeliver += 1 }
            return nextToDeliver
        }
    }

    var deliveredAll: Bool { locked { nextToDeliver >= batchCount } }

    func cancel() {
        locked {
            cancelled = true
            ready.removeAll()
            condition.broadcast()
        }
    }

    func workerStarted() { locked { live += 1 } }

    func workerStopped() {
        locked {
            live -= 1
            condition.broadcast()
        }
    }

    var liveWorkers: Int { locked { live } }
}
