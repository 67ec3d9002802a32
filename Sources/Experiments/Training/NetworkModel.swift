import Foundation
import WorkbenchData
import WorkbenchModel

/// The real `TrainableModel`: WorkbenchModel's `Trainer` (threaded, bit-identical for any thread
/// count) on a `Network`, with the config's loss and optimizer. Weights are safetensors files of
/// `Network.namedTensors()`; training state is a WorkbenchModel `Checkpoint` (weights, optimizer
/// state, and the trainer's step as extra state).
public final class NetworkModel: TrainableModel {
    public let trainer: Trainer
    public let loss: any Loss
    public let optimizer: any Optimizer

    public init(trainer: Trainer, loss: any Loss, optimizer: any Optimizer) {
        self.trainer = trainer
        self.loss = loss
        self.optimizer = optimizer
    }

    public var network: Network { trainer.network }

    public private(set) var loadedStateSteps: [RecordedStep] = []

    public func train(on batch: Batch, learningRate: Float, step: Int) throws -> BatchResult {
        trainer.step = step  // dropout streams are keyed by the step
        let r = trainer.trainStep(
            images: batch.images, labels: batch.labels, loss: loss, optimizer: optimizer,
            learningRate: learningRate)
        return BatchResult(lossSum: Double(r.loss) * Double(r.count), correct: r.correct, count: r.count)
    }

    public func evaluate(_ batch: Batch) throws -> BatchResult {
        let r = trainer.evaluate(images: batch.images, labels: batch.labels, loss: loss)
        return BatchResult(lossSum: Double(r.loss) * Double(r.count), correct: r.correct, count: r.count)
    }

    public func saveWeights(to url: URL) throws {
        try Safetensors.write(network.namedTensors(), metadata: ["format": "workbench-weights"], to: url)
    }

    public func saveTrainingState(to folder: URL) throws {
        try Checkpoint(
            weights: network.namedTensors(), optimizerState: optimizer.stateTensors(), extra: trainer.step
        )
        .save(to: folder.path)
    }

    public func loadTrainingState(from folder: URL) throws {
        let checkpoint = try Checkpoint<Int>.load(from: folder.path)
        do {
            try network.load(checkpoint.weights)
        } catch let error as ModelError {
            throw CLIError.failure(
                "\(folder.path): the checkpoint's weights do not fit the network of the run's config.yaml:"
                    + " \(error)")
        }
        try optimizer.loadState(
            checkpoint.optimizerState, checkingAgainst: network.parameters, source: folder.path)
        trainer.step = checkpoint.extra
        let manifest = folder.appendingPathComponent(Checkpoint<Int>.manifestName).path
        loadedStateSteps = [RecordedStep(file: manifest, key: "extra", step: checkpoint.extra)]
        if let tensor = checkpoint.optimizerState["step"], tensor.count == 1, let value = tensor.storage.first {
            let file = checkpoint.optimizerFile.map { folder.appendingPathComponent($0).path } ?? folder.path
            loadedStateSteps.append(RecordedStep(file: file, key: "step", step: Int(value)))
        }
    }
}
