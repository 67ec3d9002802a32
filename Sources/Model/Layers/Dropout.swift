import WorkbenchRandom

/// Inverted dropout (Srivastava et al. 2014): in training each element is kept with probability
/// 1 − p and scaled by 1/(1 − p); in evaluation it is the identity.
///
/// The mask comes from `context.random.derived(RandomStream.dropout, layerIndex)`: the trainer
/// derives `context.random` from (seed, step, chunk index), so masks never depend on thread timing.
public final class Dropout: Layer {
    public let probability: Float
    private var mask: [Float] = []
    private var active = false
    private var outputBuffer = Tensor.empty, gradInputBuffer = Tensor.empty

    public var kind: String { "dropout \(probability)" }

    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    // Forward: x [N, ...] → y = x · mask / (1 − p), same shape (identity in evaluation).
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        active = context.training && probability > 0
        guard active else { return input }
        var rng = context.random.derived(RandomStream.dropout.rawValue, UInt64(context.layerIndex))
        let scale = 1 / (1 - probability)
        if mask.count != input.count { mask = [Float](repeating: 0, count: input.count) }
        var y = Tensor.take(&outputBuffer, shape: input.shape, zeroed: false)
        for i in 0..<y.count {
            mask[i] = rng.nextFloat() >= probability ? scale : 0
            y.storage[i] = input.storage[i] * mask[i]
        }
        outputBuffer = y
        return y
    }

    // Backward: dy → dx = dy · mask / (1 − p).
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard active else { return gradOutput }
        precondition(gradOutput.count == mask.count, "Dropout backward expects \(mask.count) gradients, got \(gradOutput.shape)")
        var dx = Tensor.take(&gradInputBuffer, shape: gradOutput.shape, zeroed: false)
        for i in 0..<dx.count { dx.storage[i] = gradOutput.storage[i] * mask[i] }
        gradInputBuffer = dx
        return dx
    }

    public func replica() -> Layer { Dropout(probability: probability) }
}
