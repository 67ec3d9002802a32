import Foundation
import WorkbenchData
import WorkbenchModel
import WorkbenchRandom

@testable import WorkbenchExperiments

/// A real (tiny) model for the runner's tests: one dense layer, softmax cross-entropy, SGD with
/// momentum (so resuming must restore optimizer state). Weights are saved as JSON of float bit
/// patterns — a test double for the safetensors files of the real adapter.
final class SoftmaxRegressionModel: TrainableModel {
    let dense: Dense
    let loss = SoftmaxCrossEntropy()
    let optimizer = SGD(momentum: 0.9)
    /// Step at which `train` reports a NaN loss (to test the non-finite stop).
    var poisonStep: Int?

    init(inputs: Int, classes: Int, seed: UInt64) {
        dense = Dense(name: "dense", inputs: inputs, outputs: classes)
        var rng = SplitMix64(seed: seed).derived(RandomStream.initialisation.rawValue)
        for i in dense.weight.value.storage.indices {
            dense.weight.value.storage[i] = rng.nextFloat(in: -0.1, 0.1)
        }
    }

    private func forward(_ batch: Batch, training: Bool) -> (BatchResult, Tensor, Tensor) {
        let input = Tensor(
            shape: [batch.count, batch.channels * batch.height * batch.width], storage: batch.images)
        let output = dense.forward(input, context: ForwardContext(training: training))
        var gradient = Tensor(zeros: output.shape)
        let losses = loss.perSampleLoss(output, labels: batch.labels[...], gradient: &gradient)
        var correct = 0
        for n in 0..<batch.count {
            let row = output.storage[(n * output.shape[1])..<((n + 1) * output.shape[1])]
            if row.firstIndex(of: row.max()!)! - n * output.shape[1] == batch.labels[n] { correct += 1 }
        }
        let result = BatchResult(
            lossSum: losses.reduce(0.0) { $0 + Double($1) }, correct: correct, count: batch.count)
        return (result, output, gradient)
    }

    func train(on batch: Batch, learningRate: Float, step: Int) throws -> BatchResult {
        var (result, _, gradient) = forward(batch, training: true)
        for i in gradient.storage.indices { gradient.storage[i] /= Float(batch.count) }
        dense.parameters.forEach { $0.zeroGrad() }
        _ = dense.backward(gradient)
        optimizer.step(dense.parameters, learningRate: learningRate)
        if step == poisonStep { result.lossSum = .nan }
        return result
    }

    func evaluate(_ batch: Batch) throws -> BatchResult { forward(batch, training: false).0 }

    private func encode(_ tensors: [String: Tensor]) throws -> Data {
        try JSONEncoder().encode(
            tensors.mapValues { ["shape": $0.shape, "bits": $0.storage.map { Int($0.bitPattern) }] })
    }

    private func decode(_ data: Data) throws -> [String: Tensor] {
        try JSONDecoder().decode([String: [String: [Int]]].self, from: data).mapValues {
            Tensor(shape: $0["shape"]!, storage: $0["bits"]!.map { Float(bitPattern: UInt32($0)) })
        }
    }

    var weights: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: dense.parameters.map { ($0.name, $0.value) })
    }

    func saveWeights(to url: URL) throws { try AtomicFile.write(encode(weights), to: url) }

    func saveTrainingState(to folder: URL) throws {
        try AtomicFile.write(encode(weights), to: folder.appendingPathComponent("weights.json"))
        try AtomicFile.write(
            encode(optimizer.stateTensors()), to: folder.appendingPathComponent("optimizer.json"))
    }

    func loadTrainingState(from folder: URL) throws {
        let w = try decode(Data(contentsOf: folder.appendingPathComponent("weights.json")))
        for p in dense.parameters { p.value = w[p.name]! }
        try optimizer.loadState(decode(Data(contentsOf: folder.appendingPathComponent("optimizer.json"))))
    }
}
