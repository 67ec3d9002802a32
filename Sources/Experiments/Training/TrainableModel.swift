import Foundation
import WorkbenchData

/// Loss and accuracy over some samples: sums, so batches and chunks add up exactly.
public struct BatchResult: Equatable, Sendable {
    /// Sum of the per-sample losses.
    public var lossSum: Double
    /// Samples whose highest-scoring class is the label.
    public var correct: Int
    public var count: Int

    public init(lossSum: Double, correct: Int, count: Int) {
        self.lossSum = lossSum
        self.correct = correct
        self.count = count
    }

    public static let zero = BatchResult(lossSum: 0, correct: 0, count: 0)

    public static func + (a: BatchResult, b: BatchResult) -> BatchResult {
        BatchResult(lossSum: a.lossSum + b.lossSum, correct: a.correct + b.correct, count: a.count + b.count)
    }

    public var meanLoss: Double { count == 0 ? .nan : lossSum / Double(count) }
    public var accuracy: Double { count == 0 ? .nan : Double(correct) / Double(count) }
}

/// What the experiment runner needs of a network with its loss and optimizer: one training step,
/// an evaluation pass, and saving/restoring its state. WorkbenchModel's network and trainer are
/// joined to this in one adapter, so the loop, its listeners and their tests do not depend on how
/// the model computes.
public protocol TrainableModel: AnyObject {
    /// One optimizer update on `batch` at `learningRate`; `step` (0-based over the whole run)
    /// seeds the step's dropout masks. Returns the loss and accuracy *before* the update.
    func train(on batch: Batch, learningRate: Float, step: Int) throws -> BatchResult
    /// Loss and accuracy on `batch` in evaluation mode (no dropout, running batch-norm statistics).
    func evaluate(_ batch: Batch) throws -> BatchResult
    /// Writes the weights (parameters and buffers) as one safetensors file.
    func saveWeights(to url: URL) throws
    /// Writes everything needed to continue training (weights and optimizer state) into `folder`.
    func saveTrainingState(to folder: URL) throws
    /// Restores what `saveTrainingState` wrote.
    func loadTrainingState(from folder: URL) throws
    /// The training step as recorded inside the state last loaded by `loadTrainingState`, each with
    /// the file and key it came from (so `resume` can check `state.json` against them); empty when
    /// the state records no step.
    var loadedStateSteps: [RecordedStep] { get }
}

/// A training step recorded in one file of a checkpoint (see `TrainableModel.loadedStateSteps`).
public struct RecordedStep: Equatable, Sendable {
    public var file: String
    public var key: String
    public var step: Int

    public init(file: String, key: String, step: Int) {
        self.file = file
        self.key = key
        self.step = step
    }
}

extension TrainableModel {
    public var loadedStateSteps: [RecordedStep] { [] }
}
