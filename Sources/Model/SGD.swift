/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// with PyTorch's `torch.optim.SGD` semantics (Sutskever et al. 2013 for the momentum form):
///
///     g ← ∇w + λ·w
///     b ← g on the first step, else μ·b + (1 − τ)·g          (only if μ ≠ 0)
///     g ← g + μ·b if Nesterov, else b                        (only if μ ≠ 0)
///     w ← w − η·g
///
/// State: `<parameter>.momentum_buffer` (only with momentum) and `step`.
public final class SGD: Optimizer {
    public let momentum: Float
    public let dampening: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private var state = OptimizerState(optimizer: "SGD", slots: ["momentum_buffer"])

    public init(momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(
            momentum >= 0 && weightDecay >= 0,
            "SGD: momentum \(momentum) and weight decay \(weightDecay) must be >= 0")
        precondition(
            !nesterov || (momentum > 0 && dampening == 0),
            "SGD: Nesterov needs momentum > 0 and zero dampening, got \(momentum), \(dampening)")
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// Steps taken so far.
    public var stepCount: Int { state.step }

    public func step(_ parameters: [Parameter], learningRate: Float) {
        state.step += 1
        let momentum = self.momentum, nesterov = self.nesterov, weightDecay = self.weightDecay
        let keep = 1 - dampening
        for parameter in parameters {
            guard momentum != 0 else {
                parameter.withValueAndGradient { w, g in
                    let wp = w.baseAddress!, gp = g.baseAddress!
                    FloatBlocks.forEach(count: w.count) { i, n in
                        let weight = FloatBlocks.load(wp, i, n), gradient = FloatBlocks.load(gp, i, n)
                        FloatBlocks.store(weight - learningRate * (gradient + weightDecay * weight), wp, i, n)
                    }
                }
                continue
            }
            var (buffer, isNew) = state.take("momentum_buffer", of: parameter)
            buffer.storage.withUnsafeMutableBufferPointer { b in
                parameter.withValueAndGradient { w, g in
                    let wp = w.baseAddress!, gp = g.baseAddress!, bp = b.baseAddress!
                    FloatBlocks.forEach(count: w.count) { i, n in
                        let weight = FloatBlocks.load(wp, i, n)
                        let gradient = FloatBlocks.load(gp, i, n) + weightDecay * weight
                        let velocity = isNew ? gradient : momentum * FloatBlocks.load(bp, i, n) + keep * gradient
                        FloatBlocks.store(velocity, bp, i, n)
                        let update = nesterov ? gradient + momentum * velocity : velocity
                        FloatBlocks.store(weight - learningRate * update, wp, i, n)
                    }
                }
            }
            state.put(buffer, "momentum_buffer", of: parameter)
        }
    }

    public func stateTensors() -> [String: Tensor] { state.export() }
    public func loadState(_ tensors: [String: Tensor]) throws { try state.load(tensors) }
}
