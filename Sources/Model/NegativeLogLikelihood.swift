/// Negative log-likelihood of the label, given log-probabilities (e.g. the output of a
/// log-softmax layer), as PyTorch's `NLLLoss`:
///
///     loss_n = −x_n,y_n        ∂loss_n/∂x_nk = −1 if k = y_n, else 0
///
/// Input [N, K] (or [N, K, 1, 1]); the gradient written is that of Σ_n loss_n.
public struct NegativeLogLikelihood: Loss, Equatable, Sendable {
    public init() {}

    public func perSampleLoss(
        _ output: Tensor, labels: ArraySlice<Int>, gradient: inout Tensor, losses: inout [Float]
    ) {
        let shape = LossShape(output, labels: labels, gradient: gradient, loss: "NegativeLogLikelihood")
        let k = shape.classes
        for i in gradient.storage.indices { gradient.storage[i] = 0 }
        shape.resize(&losses)
        for (n, label) in labels.enumerated() {
            losses[n] = -output.storage[n * k + label]
            gradient.storage[n * k + label] = -1
        }
    }
}
