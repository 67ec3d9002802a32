import Foundation

/// Appends epochs.csv and steps.csv as training goes, one header each. When training starts from
/// a checkpoint it first cuts both logs back to that position, so after a resume every epoch and
/// step appears exactly once.
public final class MetricsRecorder: TrainingListener {
    public let folder: RunFolder
    private var epochs: MetricsLog?
    private var steps: MetricsLog?

    public init(folder: RunFolder) { self.folder = folder }

    public func runWillStart(at position: TrainingPosition, epochs: Int, batchesPerEpoch: Int) throws {
        let epochLog = try MetricsLog(url: folder.epochs, header: MetricsLog.epochColumns)
        let stepLog = try MetricsLog(url: folder.steps, header: MetricsLog.stepColumns)
        try epochLog.truncate { (Int($0["epoch"] ?? "") ?? Int.max) <= position.epoch }
        try stepLog.truncate { (Int($0["step"] ?? "") ?? Int.max) < position.step }
        self.epochs = epochLog
        self.steps = stepLog
    }

    public func stepDidEnd(_ event: StepEvent) throws {
        try steps?.append([
            "step": String(event.step), "epoch": String(event.epoch),
            "loss": CSV.format(event.loss), "lr": CSV.format(event.learningRate),
        ])
    }

    public func epochDidEnd(_ event: EpochEvent) throws {
        try epochs?.append(event.row)
    }
}
