#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Softmax followed by cross-entropy against the label, computed from the logits through
/// log-sum-exp so that logits of ±1000 give finite losses and gradients.
///
/// With label smoothing ε (Szegedy et al. 2016, "Rethinking the Inception Architecture") the
/// target is q = (1 − ε)·onehot(y) + ε/K, as in PyTorch's `CrossEntropyLoss(label_smoothing:)`:
///
///     loss_n = logsumexp(z_n) − Σ_k q_nk · z_nk        (= −Σ_k q_nk · log softmax(z_n)_k)
///     ∂loss_n/∂z_nk = softmax(z_n)_k − q_nk
///
/// Output [N, K] (or [N, K, 1, 1]) of raw logits; the gradient written is that of Σ_n loss_n.
public struct SoftmaxCrossEntropy: Loss, Equatable, Sendable {
    public var labelSmoothing: Float

    public init(labelSmoothing: Float = 0) {
        precondition(
            (0...1).contains(labelSmoothing), "label smoothing must be in [0, 1], got \(labelSmoothing)")
        self.labelSmoothing = labelSmoothing
    }

    public func perSampleLoss(
        _ output: Tensor, labels: ArraySlice<Int>, gradient: inout Tensor, losses: inout [Float]
    ) {
        let shape = LossShape(output, labels: labels, gradient: gradient, loss: "SoftmaxCrossEntropy")
        let k = shape.classes
        let epsilon = Double(labelSmoothing)
        shape.resize(&losses)
        for (n, label) in labels.enumerated() {
            let row = n * k
            var maximum = -Double.infinity
            for j in 0..<k { maximum = max(maximum, Double(output.storage[row + j])) }
            var sumExp = 0.0
            for j in 0..<k { sumExp += exp(Double(output.storage[row + j]) - maximum) }
            let logSumExp = maximum + log(sumExp)
            var loss = 0.0
            for j in 0..<k {
                let target = (j == label ? 1 - epsilon : 0) + epsilon / Double(k)
                let logit = Double(output.storage[row + j])
                loss += target * (logSumExp - logit)
                gradient.storage[row + j] = Float(exp(logit - logSumExp) - target)
            }
            losses[n] = Float(loss)
        }
    }
}
