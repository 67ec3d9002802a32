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
    /// Scratch for `step`, kept to reuse its capacity.
    private var blocks = ElementBlocks()
    private var weights: [UnsafeMutablePointer<Float>] = []
    private var gradients: [UnsafePointer<Float>] = []
    private var velocities: [UnsafeMutablePointer<Float>] = []
    private var fresh: [Bool] = []

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
        step(parameters, learningRate: learningRate) { iterations, body in
            for i in 0..<iterations { body(i) }
        }
    }

    /// The update is element-wise, so it is shared out in fixed blocks of elements: the same
    /// arithmetic per element, whichever thread runs its block.
    public func step(_ parameters: [Parameter], learningRate: Float, parallel: ParallelLoop) {
        state.step += 1
        blocks.cover(counts: parameters.lazy.map(\.value.count))
        withPointers(parameters, from: 0) {
            let weights = self.weights, gradients = self.gradients, velocities = self.velocities
            let fresh = self.fresh, blocks = self.blocks.blocks
            let momentum = self.momentum, nesterov = self.nesterov, weightDecay = self.weightDecay
            let keep = 1 - dampening
            parallel(blocks.count) { b in
                let (j, range) = blocks[b]
                let wp = weights[j], gp = gradients[j]
                guard momentum != 0 else {
                    var i = range.lowerBound
                    while i < range.upperBound {
                        let n = min(8, range.upperBound - i)
                        let weight = FloatBlocks.load(wp, i, n), gradient = FloatBlocks.load(gp, i, n)
                        FloatBlocks.store(weight - learningRate * (gradient + weightDecay * weight), wp, i, n)
                        i += 8
                    }
                    return
                }
                let bp = velocities[j], isNew = fresh[j]
                var i = range.lowerBound
                while i < range.upperBound {
                    let n = min(8, range.upperBound - i)
                    let weight = FloatBlocks.load(wp, i, n)
                    let gradient = FloatBlocks.load(gp, i, n) + weightDecay * weight
                    let velocity = isNew ? gradient : momentum * FloatBlocks.load(bp, i, n) + keep * gradient
                    FloatBlocks.store(velocity, bp, i, n)
                    let update = nesterov ? gradient + momentum * velocity : velocity
                    FloatBlocks.store(weight - learningRate * update, wp, i, n)
                    i += 8
                }
            }
        }
        weights.removeAll(keepingCapacity: true)
        gradients.removeAll(keepingCapacity: true)
        velocities.removeAll(keepingCapacity: true)
        fresh.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with `weights`, `gradients` and (with momentum) `velocities` and `fresh`
    /// holding, for every parameter from `k` on, pointers to its values, gradient and momentum
    /// buffer, collected one nested buffer access each so every pointer stays valid during `body`.
    /// Each momentum buffer is taken out of the state for the duration and put back after.
    private func withPointers(_ parameters: [Parameter], from k: Int, _ body: () -> Void) {
        guard k < parameters.count else { return body() }
        let parameter = parameters[k]
        guard momentum != 0 else {
            return parameter.withValueAndGradient { w, g in
                weights.append(w.baseAddress!)
                gradients.append(g.baseAddress!)
                withPointers(parameters, from: k + 1, body)
            }
        }
        // Taken before the parameter's buffers are accessed: a new buffer reads the value's shape.
        var (buffer, isNew) = state.take("momentum_buffer", of: parameter)
        buffer.storage.withUnsafeMutableBufferPointer { b in
            parameter.withValueAndGradient { w, g in
                weights.append(w.baseAddress!)
                gradients.append(g.baseAddress!)
                velocities.append(b.baseAddress!)
                fresh.append(isNew)
                withPointers(parameters, from: k + 1, body)
            }
        }
        state.put(buffer, "momentum_buffer", of: parameter)
    }

    public func stateTensors() -> [String: Tensor] { state.export() }
    public func loadState(_ tensors: [String: Tensor]) throws { try state.load(tensors) }
}
