import Foundation

/// Where training stands: epochs completed and optimizer steps taken. Every random stream is
/// derived from the run seed and these counters (shuffle and augmentation from the epoch and sample,
/// dropout from the step), so a position plus the seed fixes all randomness to come.
public struct TrainingPosition: Codable, Equatable, Sendable {
    /// Epochs fully completed (0 at the start).
    public var epoch: Int
    /// Optimizer steps taken so far (the next step's 0-based index).
    public var step: Int

    public init(epoch: Int, step: Int) {
        self.epoch = epoch
        self.step = step
    }

    public static let beginning = TrainingPosition(epoch: 0, step: 0)

    enum CodingKeys: String, CodingKey { case epoch, step }

    /// Decodes a position checking both counts are integers ≥ 0 (see `JSONFieldError`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try c.integer(.epoch, in: 0...Int.max)
        step = try c.integer(.step, in: 0...Int.max)
    }
}

/// The end of one optimizer step.
public struct StepEvent: Sendable {
    /// 0-based step index over the run.
    public var step: Int
    /// 1-based epoch.
    public var epoch: Int
    /// 1-based batch number within the epoch, out of `batches`.
    public var batch: Int
    public var batches: Int
    /// Mean loss over the batch.
    public var loss: Double
    /// Learning rate used for this step's update.
    public var learningRate: Float
    /// Training images per second so far in this epoch.
    public var imagesPerSecond: Double
    /// Seconds spent in this epoch so far.
    public var elapsed: Double
}

/// The end of one epoch, with the row written to epochs.csv.
public struct EpochEvent: Sendable {
    public var epoch: Int
    public var epochs: Int
    /// Learning rate of the epoch's last step.
    public var learningRate: Float
    public var train: BatchResult
    public var validation: BatchResult?
    public var test: BatchResult?
    /// Wall-clock seconds for the epoch, training and evaluation.
    public var seconds: Double
    /// Training images per second (training time only).
    public var imagesPerSecond: Double
    /// The position after this epoch.
    public var position: TrainingPosition

    /// The epochs.csv row (empty fields where there is no validation or test split).
    public var row: [String: String] {
        var row = [
            "epoch": String(epoch), "lr": CSV.format(learningRate),
            "train_loss": CSV.format(train.meanLoss), "train_acc": CSV.format(train.accuracy),
            "seconds": String(format: "%.3f", seconds),
            "images_per_s": String(format: "%.1f", imagesPerSecond),
        ]
        if let validation {
            row["val_loss"] = CSV.format(validation.meanLoss)
            row["val_acc"] = CSV.format(validation.accuracy)
        }
        if let test {
            row["test_loss"] = CSV.format(test.meanLoss)
            row["test_acc"] = CSV.format(test.accuracy)
        }
        return row
    }
}

/// How a run ended.
public enum RunOutcome: Equatable, Sendable {
    case completed
    /// Stopped by an error (data, non-finite loss, disk); the message says where.
    case failed(String)
    /// Stopped by SIGINT/SIGTERM; the last checkpoint is the last completed epoch.
    case interrupted
}

/// Listens to the runner (as swift-models' TrainingLoop callbacks): CSV logging, checkpointing,
/// progress and the run record are listeners. A listener that throws stops the run as failed.
public protocol TrainingListener: AnyObject {
    func runWillStart(at position: TrainingPosition, epochs: Int, batchesPerEpoch: Int) throws
    func epochWillStart(_ epoch: Int) throws
    func stepDidEnd(_ event: StepEvent) throws
    func epochDidEnd(_ event: EpochEvent) throws
    func runDidEnd(_ outcome: RunOutcome, at position: TrainingPosition) throws
}

extension TrainingListener {
    public func runWillStart(at position: TrainingPosition, epochs: Int, batchesPerEpoch: Int) throws {}
    public func epochWillStart(_ epoch: Int) throws {}
    public func stepDidEnd(_ event: StepEvent) throws {}
    public func epochDidEnd(_ event: EpochEvent) throws {}
    public func runDidEnd(_ outcome: RunOutcome, at position: TrainingPosition) throws {}
}
