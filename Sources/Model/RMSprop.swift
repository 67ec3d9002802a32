/// RMSprop (Hinton, Srivastava & Swersky 2012, Coursera lecture 6e), with PyTorch's
/// `torch.optim.RMSprop` semantics — ε is added outside the square root, the momentum buffer
/// starts at zero, and the centred form subtracts the squared running mean of the gradient:
///
///     g ← ∇w + λ·w
///     s ← α·s + (1 − α)·g²
///     a ← α·a + (1 − α)·g,  d ← sqrt(s − a²) + ε    (centred)   or   d ← sqrt(s) + ε
///     b ← μ·b + g/d,  w ← w − η·b                    (μ > 0)     or   w ← w − η·g/d
///
/// State: `<parameter>.square_avg`, `.momentum_buffer` (μ > 0), `.grad_avg` (centred), and `step`.
public final class RMSprop: Optimizer {
    public let alpha: Float
    public let epsilon: Float
    public let momentum: Float
    public let centered: Bool
    public let weightDecay: Float
    private var state = OptimizerState(
        optimizer: "RMSprop",
        slots: ["square_avg", "momentum_buffer", "grad_avg"])

    public init(
        alpha: Float = 0.99, epsilon: Float = 1e-8, momentum: Float = 0, centered: Bool = false,
        weightDecay: Float = 0
    ) {
        precondition(
            (0..<1).contains(alpha) && epsilon >= 0 && momentum >= 0 && weightDecay >= 0,
            "RMSprop: need 0 <= alpha < 1, epsilon, momentum, weight decay >= 0; got alpha \(alpha), "
                + "epsilon \(epsilon), momentum \(momentum), weight decay \(weightDecay)")
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.centered = centered
        self.weightDecay = weightDecay
    }

    public var stepCount: Int { state.step }

    public func step(_ parameters: [Parameter], learningRate: Float) {
        state.step += 1
        for parameter in parameters {
            var square = state.take("square_avg", of: parameter).tensor
            var mean = centered ? state.take("grad_avg", of: parameter).tensor : Tensor.empty
            var buffer = momentum > 0 ? state.take("momentum_buffer", of: parameter).tensor : Tensor.empty
            square.storage.withUnsafeMutableBufferPointer { s in
                mean.storage.withUnsafeMutableBufferPointer { a in
                    buffer.storage.withUnsafeMutableBufferPointer { b in
                        parameter.withValueAndGradient { w, g in
                            for i in 0..<w.count {
                                let gradient = g[i] + weightDecay * w[i]
                                s[i] = alpha * s[i] + (1 - alpha) * gradient * gradient
                                var variance = s[i]
                                if centered {
                                    a[i] = alpha * a[i] + (1 - alpha) * gradient
                                    variance -= a[i] * a[i]
                                }
                                let denominator = variance.squareRoot() + epsilon
                                if momentum > 0 {
                                    b[i] = momentum * b[i] + gradient / denominator
                                    w[i] -= learningRate * b[i]
                                } else {
                                    w[i] -= learningRate * gradient / denominator
                                }
                            }
                        }
                    }
                }
            }
            state.put(square, "square_avg", of: parameter)
            if centered { state.put(mean, "grad_avg", of: parameter) }
            if momentum > 0 { state.put(buffer, "momentum_buffer", of: parameter) }
        }
    }

    public func stateTensors() -> [String: Tensor] { state.export() }
    public func loadState(_ tensors: [String: Tensor]) throws { try state.load(tensors) }
}
