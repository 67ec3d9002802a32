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
    /// The last training forward's batch mean and unbiased variance, [C] each (overwritten in place).
    private(set) var lastBatchMean: [Float] = []
    private(set) var lastBatchVariance: [Float] = []
    /// The last training forward's biased batch variance, [C]: what that forward normalised with.
    private var batchVariance: [Float] = []
    /// Whether a training forward moves this layer's running statistics toward the batch's (true
    /// unless `Trainer` cleared it on a replica: replicas read the master's running statistics
    /// during a step, and the master takes each chunk's `lastBatchMean` and `lastBatchVariance` in
    /// chunk order, so a replica's own update would only copy the master's arrays and be dropped).
    var updatesRunningStatistics = true

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
    // Channel c of sample s is the contiguous row x[(s·C + c)·area ..< +area] (area = H·W, or 1).
    // Batch statistics are two-pass: μ, then Σ(x − μ)²; each row is summed in eight float lanes
    // and the row sums are added in double, in sample order.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition((input.shape.count == 4 || input.shape.count == 2) && input.shape[1] == channels,
                     "BatchNorm expects [N, \(channels), H, W] or [N, \(channels)], got \(input.shape)")
        inputShape = input.shape
        let n = input.shape[0], area = input.shape.count == 4 ? input.shape[2] * input.shape[3] : 1
        let m = n * area, channels = self.channels
        trainingPass = context.training
        if normalized.count != input.count { normalized = [Float](repeating: 0, count: input.count) }
        if inverseStd.count != channels { inverseStd = [Float](repeating: 0, count: channels) }
        if context.training {
            precondition(m > 1, "BatchNorm in training needs more than one value per channel, got \(input.shape)")
            if batchVariance.count != channels {
                lastBatchMean = [Float](repeating: 0, count: channels)
                lastBatchVariance = [Float](repeating: 0, count: channels)
                batchVariance = [Float](repeating: 0, count: channels)
            }
            input.storage.withUnsafeBufferPointer { x in
                let x = x.baseAddress!
                for c in 0..<channels {
                    var sum = 0.0
                    for s in 0..<n {
                        sum += Double(Self.rowSum(x + (s * channels + c) * area, area) { $0 })
                    }
                    let mu = Float(sum / Double(m))
                    var squares = 0.0
                    for s in 0..<n {
                        squares += Double(Self.rowSum(x + (s * channels + c) * area, area) { ($0 - mu) * ($0 - mu) })
                    }
                    lastBatchMean[c] = mu
                    batchVariance[c] = Float(squares / Double(m))
                    lastBatchVariance[c] = Float(squares / Double(m - 1))
                }
            }
            if updatesRunningStatistics {
                updateRunningStatistics(mean: lastBatchMean, variance: lastBatchVariance)
            }
        }
        // Training normalises with the batch statistics, evaluation with the running ones.
        let mean = context.training ? lastBatchMean : runningMean.value.storage
        let variance = context.training ? batchVariance : runningVariance.value.storage
        var output = Tensor.take(&outputBuffer, shape: input.shape, zeroed: false)
        let epsilon = self.epsilon
        input.storage.withUnsafeBufferPointer { x in
            output.storage.withUnsafeMutableBufferPointer { y in
                normalized.withUnsafeMutableBufferPointer { xhat in
                    inverseStd.withUnsafeMutableBufferPointer { inverse in
                        weight.value.storage.withUnsafeBufferPointer { gamma in
                            bias.value.storage.withUnsafeBufferPointer { beta in
                                for c in 0..<channels {
                                    let inv = 1 / (variance[c] + epsilon).squareRoot()
                                    inverse[c] = inv
                                    let g = SIMD8<Float>(repeating: gamma[c]), b = SIMD8<Float>(repeating: beta[c])
                                    let mu = SIMD8<Float>(repeating: mean[c]), scale = SIMD8<Float>(repeating: inv)
                                    for s in 0..<n {
                                        let row = (s * channels + c) * area
                                        let xs = x.baseAddress! + row, hs = xhat.baseAddress! + row
                                        let ys = y.baseAddress! + row
                                        var i = 0
                                        while i < area {
                                            let lanes = min(8, area - i)
                                            let h = (FloatBlocks.load(xs, i, lanes) - mu) * scale
                                            FloatBlocks.store(h, hs, i, lanes)
                                            FloatBlocks.store(g * h + b, ys, i, lanes)
                                            i += 8
                                        }
                                    }
                                }
                            }
                        }
                    }
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
        let m = Float(n * area), channels = self.channels, training = trainingPass
        var gradInput = Tensor.take(&gradInputBuffer, shape: inputShape, zeroed: false)
        gradOutput.storage.withUnsafeBufferPointer { dy in
            normalized.withUnsafeBufferPointer { xhat in
                gradInput.storage.withUnsafeMutableBufferPointer { dx in
                    for c in 0..<channels {
                        var sumDy: Float = 0, sumDyXhat: Float = 0
                        for s in 0..<n {
                            let row = (s * channels + c) * area
                            let ds = dy.baseAddress! + row, hs = xhat.baseAddress! + row
                            var a = SIMD8<Float>(), b = SIMD8<Float>()
                            var i = 0
                            while i < area {
                                let lanes = min(8, area - i)
                                let d = FloatBlocks.load(ds, i, lanes)
                                a += d
                                b += d * FloatBlocks.load(hs, i, lanes)
                                i += 8
                            }
                            sumDy += a.sum()
                            sumDyXhat += b.sum()
                        }
                        weight.grad.storage[c] += sumDyXhat
                        bias.grad.storage[c] += sumDy
                        let scale = weight.value.storage[c] * inverseStd[c]
                        // training: dx = k·dy − (k/M)·(Σdy + x̂·Σdy·x̂) with k = scale; evaluation: dx = k·dy
                        let k = SIMD8<Float>(repeating: scale)
                        let kOverM = SIMD8<Float>(repeating: training ? scale / m : 0)
                        let mDy = SIMD8<Float>(repeating: m), sDy = SIMD8<Float>(repeating: sumDy)
                        let sDyXhat = SIMD8<Float>(repeating: sumDyXhat)
                        for s in 0..<n {
                            let row = (s * channels + c) * area
                            let ds = dy.baseAddress! + row, hs = xhat.baseAddress! + row, gs = dx.baseAddress! + row
                            var i = 0
                            while i < area {
                                let lanes = min(8, area - i)
                                let d = FloatBlocks.load(ds, i, lanes)
                                let g = training
                                    ? kOverM * (mDy * d - sDy - FloatBlocks.load(hs, i, lanes) * sDyXhat)
                                    : k * d
                                FloatBlocks.store(g, gs, i, lanes)
                                i += 8
                            }
                        }
                    }
                }
            }
        }
        gradInputBuffer = gradInput
        return gradInput
    }

    /// Σ f(p[i]) over i < count, in eight float lanes (lane k takes i ≡ k mod 8), lanes added last.
    @inline(__always)
    private static func rowSum(_ p: UnsafePointer<Float>, _ count: Int, _ f: (SIMD8<Float>) -> SIMD8<Float>) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            acc += f(FloatBlocks.load(p, i, 8))
            i += 8
        }
        var sum = acc.sum()
        while i < count {
            sum += f(SIMD8<Float>(repeating: p[i]))[0]
            i += 1
        }
        return sum
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
