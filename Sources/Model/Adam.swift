#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1) with bias
/// correction and optional L2 weight decay added to the gradient, as PyTorch's `torch.optim.Adam`:
///
///     g ← ∇w + λ·w
///     m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
///     w ← w − η · (m / (1 − β1^t)) / (sqrt(v / (1 − β2^t)) + ε)
///
/// t counts this optimizer's steps from 1. State: `<parameter>.exp_avg`, `.exp_avg_sq`, `step`.
/// For weight decay decoupled from the gradient, use `AdamW`.
public final class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    private var state = OptimizerState(optimizer: "Adam", slots: ["exp_avg", "exp_avg_sq"])

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        precondition(
            (0..<1).contains(beta1) && (0..<1).contains(beta2) && epsilon >= 0 && weightDecay >= 0,
            "Adam: need betas in [0, 1), epsilon >= 0, weight decay >= 0; got \(beta1), \(beta2), "
                + "\(epsilon), \(weightDecay)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public var stepCount: Int { state.step }

    public func step(_ parameters: [Parameter], learningRate: Float) {
        state.step += 1
        adamStep(
            parameters, learningRate: learningRate, l2: weightDecay, beta1: beta1, beta2: beta2,
            epsilon: epsilon, state: &state)
    }

    public func stateTensors() -> [String: Tensor] { state.export() }
    public func loadState(_ tensors: [String: Tensor]) throws { try state.load(tensors) }
}

/// The Adam moment update and bias-corrected step for step `state.step`, shared by Adam and AdamW;
/// `l2` is weight decay added to the gradient (0 for AdamW, which decays the weights itself).
func adamStep(
    _ parameters: [Parameter], learningRate: Float, l2: Float, beta1: Float, beta2: Float,
    epsilon: Float, state: inout OptimizerState
) {
    let t = Double(state.step)
    let correction1 = 1 - pow(Double(beta1), t)
    let correction2Root = (1 - pow(Double(beta2), t)).squareRoot()
    let stepSize = Float(Double(learningRate) / correction1)
    let rootCorrection = Float(correction2Root)
    for parameter in parameters {
        var first = state.take("exp_avg", of: parameter).tensor
        var second = state.take("exp_avg_sq", of: parameter).tensor
        first.storage.withUnsafeMutableBufferPointer { m in
            second.storage.withUnsafeMutableBufferPointer { v in
                parameter.withValueAndGradient { w, g in
                    // Eight lanes at a time; each lane computes exactly the scalar rule.
                    let wp = w.baseAddress!, gp = g.baseAddress!, mp = m.baseAddress!, vp = v.baseAddress!
                    FloatBlocks.forEach(count: w.count) { i, n in
                        let weight = FloatBlocks.load(wp, i, n)
                        let gradient = FloatBlocks.load(gp, i, n) + l2 * weight
                        let mean = beta1 * FloatBlocks.load(mp, i, n) + (1 - beta1) * gradient
                        let square = beta2 * FloatBlocks.load(vp, i, n) + (1 - beta2) * gradient * gradient
                        FloatBlocks.store(mean, mp, i, n)
                        FloatBlocks.store(square, vp, i, n)
                        let update = stepSize * mean / (square.squareRoot() / rootCorrection + epsilon)
                        FloatBlocks.store(weight - update, wp, i, n)
                    }
                }
            }
        }
        state.put(first, "exp_avg", of: parameter)
        state.put(second, "exp_avg_sq", of: parameter)
    }
}
