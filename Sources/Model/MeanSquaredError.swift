/// Mean squared error between the outputs and a one-hot target: the classic sigmoid or tanh output
/// layer trained by squared error (LeCun et al. 1998 trained LeNet-5 by a squared-error criterion).
///
/// The target of sample n is `onValue` at its label and `offValue` elsewhere: 1 and 0 (the default)
/// for sigmoid outputs, 1 and −1 for tanh outputs (LeCun et al. 1998, "Efficient BackProp", also
/// suggests ±1 targets inside the tanh range, e.g. 0.8 and −0.8, to keep units out of saturation).
/// The per-sample loss is the MEAN over the K outputs, so that dividing the batch sum by N gives
/// PyTorch's `MSELoss(reduction: "mean")` over all N·K elements:
///
///     loss_n = (1/K) · Σ_k (y_nk − t_nk)²        ∂loss_n/∂y_nk = 2 · (y_nk − t_nk) / K
public struct MeanSquaredError: Loss, Equatable, Sendable {
    public var onValue: Float
    public var offValue: Float

    public init(onValue: Float = 1, offValue: Float = 0) {
        self.onValue = onValue
        self.offValue = offValue
    }

    public func perSampleLoss(
        _ output: Tensor, labels: ArraySlice<Int>, gradient: inout Tensor, losses: inout [Float]
    ) {
        let shape = LossShape(output, labels: labels, gradient: gradient, loss: "MeanSquaredError")
        let k = shape.classes
        shape.resize(&losses)
        for (n, label) in labels.enumerated() {
            var loss = 0.0
            for j in 0..<k {
                let difference = Double(output.storage[n * k + j]) - Double(j == label ? onValue : offValue)
                loss += difference * difference
                gradient.storage[n * k + j] = Float(2 * difference / Double(k))
            }
            losses[n] = Float(loss / Double(k))
        }
    }
}
