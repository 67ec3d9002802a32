/// Batch normalisation (Ioffe & Szegedy 2015) per channel, for conv maps [N, C, H, W] (statistics
/// over N·H·W) and dense features [N, C] (statistics over N).
///
/// Training normalises with the batch mean and biased variance and moves the running statistics
/// toward the batch's (running = (1 − momentum)·running + momentum·batch, with the unbiased variance,
/// as PyTorch does). Evaluation normalises with the running statistics. Under the trainer each chunk
/// is a "batch" (data-parallel BN without synchronisation); the master's running statistics take each
/// chunk's statistics in chunk order, so the result does not depend on the thread count.
///
/// Parameters: `weight` (γ, [C], ones) and `bias` (β, [C], zeros); buffers `running_mean` ([C], zeros)
/// and `running_var` ([C], ones).
public final class BatchNorm: Layer {
    public let channels: Int
    public let momentum: Float, epsilon: Float
    public let weight: Parameter, bias: Parameter
    public let runningMean: Parameter, runningVariance: Parameter

    private var inputShape: [Int] = []
    private var normalized: [Float] = []       // x̂, same layout as the input
    private var inverseStd: [Float] = []       // [C]
    private var trainingPass = false
    private var outputBuffer = Tensor.empty, gradInputBuffer = Tensor.empty
    /// The last training forward's batch mean and unbiased variance, [C] each.
    private(set) var lastBatchMean: [Float] = []
    private(set) var lastBatchVariance: [Float] = []

    public var kind: String { "batch norm" }
    public var parameters: [Parameter] { [weight, bias] }
    public var buffers: [Parameter] { [runningMean, runningVariance] }

    public init(name: String, channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        precondition(channels > 0 && momentum >= 0 && momentum <= 1 && epsilon > 0,
                     "BatchNorm needs channels > 0, momentum in [0, 1], epsilon > 0; got \(channels), \(momentum), \(epsilon)")
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        weight = Parameter(name: "\(name).weight", value: Tensor(shape: [channels], repeating: 1))
        bias = Parameter(name: "\(name).bias", value: Tensor(zeros: [channels]))
        runningMean = Parameter(name: "\(name).running_mean", value: Tensor(zeros: [channels]))
        runningVariance = Parameter(name: "\(name).running_var", value: Tensor(shape: [channels], repeating: 1))
    }

    /// Moves the running statistics toward a batch's mean and unbiased variance.
    func updateRunningStatistics(mean: [Float], variance: [Float]) {
        for c in 0..<channels {
            runningMean.value.storage[c] = (1 - momentum) * runningMean.value.storage[c] + momentum * mean[c]
            runningVariance.value.storage[c] = (1 - momentum) * runningVariance.value.storage[c] + momentum * variance[c]
        }
    }

    // Forward: x [N, C, H, W] or [N, C] → x̂ = (x − μ_c)/√(σ²_c + ε) → y = γ_c·x̂ + β_c, same shape.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition((input.shape.count == 4 || input.shape.count == 2) && input.shape[1] == channels,
                     "BatchNorm expects [N, \(channels), H, W] or [N, \(channels)], got \(input.shape)")
        inputShape = input.shape
        let n = input.shape[0], area = input.shape.count == 4 ? input.shape[2] * input.shape[3] : 1
        let m = n * area
        trainingPass = context.training
        if normalized.count != input.count { normalized = [Float](repeating: 0, count: input.count) }
        if inverseStd.count != channels { inverseStd = [Float](repeating: 0, count: channels) }
        var mean = runningMean.value.storage, variance = runningVariance.value.storage
        if context.training {
            precondition(m > 1, "BatchNorm in training needs more than one value per channel, got \(input.shape)")
            lastBatchMean = [Float](repeating: 0, count: channels)
            lastBatchVariance = [Float](repeating: 0, count: channels)
            for c in 0..<channels {
                var sum = 0.0
                for s in 0..<n { for i in 0..<area { sum += Double(input.storage[(s * channels + c) * area + i]) } }
                let mu = sum / Double(m)
                var squares = 0.0
                for s in 0..<n {
                    for i in 0..<area {
                        let d = Double(input.storage[(s * channels + c) * area + i]) - mu
                        squares += d * d
                    }
                }
                mean[c] = Float(mu)
                variance[c] = Float(squares / Double(m))
                lastBatchMean[c] = Float(mu)
                lastBatchVariance[c] = Float(squares / Double(m - 1))
            }
            updateRunningStatistics(mean: lastBatchMean, variance: lastBatchVariance)
        }
        var output = Tensor.take(&outputBuffer, shape: input.shape, zeroed: false)
        for c in 0..<channels {
            let inv = 1 / (variance[c] + epsilon).squareRoot()
            inverseStd[c] = inv
            let g = weight.value.storage[c], b = bias.value.storage[c], mu = mean[c]
            for s in 0..<n {
                for i in 0..<area {
                    let j = (s * channels + c) * area + i
                    normalized[j] = (input.storage[j] - mu) * inv
                    output.storage[j] = g * normalized[j] + b
                }
            }
        }
        outputBuffer = output
        return output
    }

    // Backward: dy → dγ += Σ dy·x̂, dβ += Σ dy, and in training
    //   dx = γ·invstd/M · (M·dy − Σ dy − x̂·Σ dy·x̂)   (M = N·H·W); in evaluation dx = γ·invstd·dy.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.shape == inputShape, "BatchNorm backward expects \(inputShape), got \(gradOutput.shape)")
        let n = inputShape[0], area = inputShape.count == 4 ? inputShape[2] * inputShape[3] : 1
        let m = Float(n * area)
        var gradInput = Tensor.take(&gradInputBuffer, shape: inputShape, zeroed: false)
        for c in 0..<channels {
            var sumDy: Float = 0, sumDyXhat: Float = 0
            for s in 0..<n {
                for i in 0..<area {
                    let j = (s * channels + c) * area + i
                    sumDy += gradOutput.storage[j]
                    sumDyXhat += gradOutput.storage[j] * normalized[j]
                }
            }
            weight.grad.storage[c] += sumDyXhat
            bias.grad.storage[c] += sumDy
            let scale = weight.value.storage[c] * inverseStd[c]
            for s in 0..<n {
                for i in 0..<area {
                    let j = (s * channels + c) * area + i
                    gradInput.storage[j] = trainingPass
                        ? scale / m * (m * gradOutput.storage[j] - sumDy - normalized[j] * sumDyXhat)
                        : scale * gradOutput.storage[j]
                }
            }
        }
        gradInputBuffer = gradInput
        return gradInput
    }

    public func replica() -> Layer {
        let copy = BatchNorm(name: "", channels: channels, momentum: momentum, epsilon: epsilon)
        for (mine, theirs) in zip(parameters + buffers, copy.parameters + copy.buffers) {
            theirs.name = mine.name
            theirs.value = mine.value
        }
        return copy
    }
}
