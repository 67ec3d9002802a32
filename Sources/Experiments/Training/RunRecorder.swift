import Foundation

/// Keeps meta.json and summary.json true to what happened: status running while training, then
/// completed, failed (with the error) or interrupted, with end time and duration (summed over
/// resumed segments); summary.json from epochs.csv at the end.
public final class RunRecorder: TrainingListener, @unchecked Sendable {
    public let folder: RunFolder
    public var meta: RunMeta { lock.withLock { recorded } }
    private var recorded: RunMeta
    private let segmentStart = Date()
    private let previousDuration: Double
    /// Guards `recorded`, `position` and `ended`: `stopAtOnce` runs on a signal's thread.
    private let lock = NSLock()
    /// The last completed epoch's position (its checkpoint is written before this listener hears it).
    private var position = TrainingPosition.beginning
    private var ended = false

    /// `meta` as it should read while running (written immediately).
    public init(folder: RunFolder, meta: RunMeta) throws {
        self.folder = folder
        recorded = meta
        previousDuration = meta.durationSeconds ?? 0
        recorded.status = .running
        recorded.ended = nil
        recorded.error = nil
        // While running, meta.json keeps the finished segments' total, so a run killed without a
        // chance to record its end (kill -9) still counts them when shown as stale or resumed.
        recorded.durationSeconds = previousDuration
        try folder.writeMeta(recorded)
    }

    public func runWillStart(at position: TrainingPosition, epochs: Int, batchesPerEpoch: Int) throws {
        lock.withLock { self.position = position }
    }

    public func epochDidEnd(_ event: EpochEvent) throws {
        lock.withLock { position = event.position }
    }

    public func runDidEnd(_ outcome: RunOutcome, at position: TrainingPosition) throws {
        let summary = RunSummary(epochRows: try folder.readEpochs())
        try lock.withLock {
            guard !ended else { return }
            switch outcome {
            case .completed: recorded.status = .completed
            case .failed(let message):
                recorded.status = .failed
                recorded.error = message
            case .interrupted:
                recorded.status = .interrupted
                recorded.error =
                    position.epoch == 0
                    ? "interrupted by signal before the first epoch ended; no checkpoint"
                    : "interrupted by signal; checkpoint at epoch \(position.epoch)"
            }
            finish()
            try AtomicFile.writeJSON(summary, to: folder.summary)
            try folder.writeMeta(recorded)
        }
    }

    /// Records the run as interrupted right now, for a second signal that will not wait for the
    /// current batch (the process exits after this returns). Returns the message recorded, or nil if
    /// the run's end was already recorded.
    @discardableResult
    public func stopAtOnce(signal: Int32) -> String? {
        lock.withLock {
            guard !ended else { return nil }
            let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
            // The checkpoint on disk, which may be one epoch ahead of what this listener has heard.
            let epoch =
                ((try? Checkpointer.latest(in: folder)) ?? nil)?.state.position.epoch ?? position.epoch
            recorded.status = .interrupted
            recorded.error =
                epoch == 0
                ? "stopped at once by a second \(name) before the first epoch ended; no checkpoint"
                : "stopped at once by a second \(name); checkpoint at epoch \(epoch)"
            finish()
            try? folder.writeMeta(recorded)
            return recorded.error
        }
    }

    /// Records a failure that happened before training could start (meta only).
    public func fail(_ message: String) {
        lock.withLock {
            guard !ended else { return }
            recorded.status = .failed
            recorded.error = message
            finish()
            try? folder.writeMeta(recorded)
        }
    }

    /// Sets the end time and the duration (under `lock`).
    private func finish() {
        let now = Date()
        ended = true
        recorded.ended = ISO8601.string(now)
        recorded.durationSeconds = previousDuration + now.timeIntervalSince(segmentStart)
    }
}
