import WorkbenchRandom

// The small protocols that join layers, losses, optimizers, schedules and initialisers.
// Each concrete type lives in its own file.

/// A loss over a batch of network outputs. It writes one loss per sample into `losses` and the
/// gradient of the *sum* of those losses into `gradient` (same shape as `output`); the trainer
/// divides by the batch size, so a batch split into chunks gives the same result as the whole batch.
public protocol Loss {
    /// Output [N, K] (or [N, K, 1, 1]); labels N class indices in 0..<K. `losses` is overwritten
    /// (resized to N only when its count differs, so a caller that keeps it allocates nothing).
    func perSampleLoss(
        _ output: Tensor, labels: ArraySlice<Int>, gradient: inout Tensor, losses: inout [Float])
}

extension Loss {
    /// The per-sample losses as a new array (see `perSampleLoss(_:labels:gradient:losses:)`).
    public func perSampleLoss(_ output: Tensor, labels: ArraySlice<Int>, gradient: inout Tensor) -> [Float] {
        var losses: [Float] = []
        perSampleLoss(output, labels: labels, gradient: &gradient, losses: &losses)
        return losses
    }
}

/// Updates parameters in place from their gradients; state (moments, velocities) is created lazily
/// per parameter and can be saved and restored by name.
public protocol Optimizer: AnyObject {
    func step(_ parameters: [Parameter], learningRate: Float)
    /// The same step, free to share independent parts of the work out with `parallel`; the result
    /// must not depend on which thread runs a part. By default, `step(_:learningRate:)`.
    func step(_ parameters: [Parameter], learningRate: Float, parallel: ParallelLoop)
    /// Optimizer state as named tensors (e.g. `layers.0.weight.momentum`), plus the step count.
    func stateTensors() -> [String: Tensor]
    func loadState(_ tensors: [String: Tensor]) throws
}

extension Optimizer {
    public func step(_ parameters: [Parameter], learningRate: Float, parallel: ParallelLoop) {
        step(parameters, learningRate: learningRate)
    }
}

/// Runs `body(i)` for every i in 0..<iterations, possibly on several threads at once, and returns
/// when all have returned.
public typealias ParallelLoop = (_ iterations: Int, _ body: (Int) -> Void) -> Void

/// A learning-rate schedule: the rate used at optimizer step `step` (0-based, counted over all
/// epochs), so what is reported is exactly what was used.
public protocol LearningRateSchedule {
    func learningRate(atStep step: Int, stepsPerEpoch: Int) -> Float
}

/// Fills a weight tensor with initial values from a seeded generator, given its fan-in and fan-out.
public protocol WeightInitializer {
    func fill(_ tensor: inout Tensor, fanIn: Int, fanOut: Int, rng: inout SplitMix64)
}
