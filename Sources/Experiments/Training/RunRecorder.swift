import Foundation

/// Keeps meta.json and summary.json true to what happened: status running while training, then
/// completed, failed (with the error) or interrupted, with end time and duration (summed over
/// resumed segments); summary.json from epochs.csv at the end.
public final class RunRecorder: TrainingListener {
    public let folder: RunFolder
    public private(set) var meta: RunMeta
    private let segmentStart = Date()
    private let previousDuration: Double

    /// `meta` as it should read while running (written immediately).
    public init(folder: RunFolder, meta: RunMeta) throws {
        self.folder = folder
        self.meta = meta
        previousDuration = meta.durationSeconds ?? 0
        self.meta.status = .running
        self.meta.ended = nil
        self.meta.error = nil
        // While running, meta.json keeps the finished segments' total, so a run killed without a
        // chance to record its end (kill -9) still counts them when shown as stale or resumed.
        self.meta.durationSeconds = previousDuration
        try folder.writeMeta(self.meta)
    }

    public func runDidEnd(_ outcome: RunOutcome, at position: TrainingPosition) throws {
        let now = Date()
        switch outcome {
        case .completed: meta.status = .completed
        case .failed(let message):
            meta.status = .failed
            meta.error = message
        case .interrupted:
            meta.status = .interrupted
            meta.error =
                position.epoch == 0
                ? "interrupted by signal before the first epoch ended; no checkpoint"
                : "interrupted by signal; checkpoint at epoch \(position.epoch)"
        }
        meta.ended = ISO8601.string(now)
        meta.durationSeconds = previousDuration + now.timeIntervalSince(segmentStart)
        try AtomicFile.writeJSON(RunSummary(epochRows: try folder.readEpochs()), to: folder.summary)
        try folder.writeMeta(meta)
    }

    /// Records a failure that happened before training could start (meta only).
    public func fail(_ message: String) {
        meta.status = .failed
        meta.error = message
        meta.ended = ISO8601.string(Date())
        meta.durationSeconds = previousDuration + Date().timeIntervalSince(segmentStart)
        try? folder.writeMeta(meta)
    }
}
