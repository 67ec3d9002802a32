/// AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"): Adam whose weight
/// decay shrinks the weights directly instead of entering the gradient and its moments, as
/// PyTorch's `torch.optim.AdamW`:
///
///     w ← w · (1 − η·λ)
///     then the Adam step of `Adam` with the raw gradient (no L2 term).
///
/// State: `<parameter>.exp_avg`, `.exp_avg_sq`, `step`. PyTorch's default λ is 0.01.
public final class AdamW: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    private var state = OptimizerState(optimizer: "AdamW", slots: ["exp_avg", "exp_avg_sq"])

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        precondition(
            (0..<1).contains(beta1) && (0..<1).contains(beta2) && epsilon >= 0 && weightDecay >= 0,
            "AdamW: need betas in [0, 1), epsilon >= 0, weight decay >= 0; got \(beta1), \(beta2), "
                + "\(epsilon), \(weightDecay)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public var stepCount: Int { state.step }

    public func step(_ parameters: [Parameter], learningRate: Float) {
        state.step += 1
        let shrink = 1 - learningRate * weightDecay
        for parameter in parameters {
            parameter.value.storage.withUnsafeMutableBufferPointer { w in
                for i in 0..<w.count { w[i] *= shrink }
            }
        }
        adamStep(
            parameters, learningRate: learningRate, l2: 0, beta1: beta1, beta2: beta2, epsilon: epsilon,
            state: &state)
    }

    public func stateTensors() -> [String: Tensor] { state.export() }
    public func loadState(_ tensors: [String: Tensor]) throws { try state.load(tensors) }
}
