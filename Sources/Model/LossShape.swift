/// Reads a loss input of shape [N, K] or [N, K, 1, 1] as N rows of K class scores, checking the
/// labels against it. Shared by every `Loss`.
struct LossShape {
    let batch: Int
    let classes: Int

    init(_ output: Tensor, labels: ArraySlice<Int>, gradient: Tensor, loss: String) {
        precondition(
            output.shape.count >= 2 && output.shape.dropFirst(2).allSatisfy { $0 == 1 },
            "\(loss): output must be [N, K] or [N, K, 1, 1], got \(output.shape)")
        batch = output.shape[0]
        classes = output.shape[1]
        precondition(
            labels.count == batch,
            "\(loss): output \(output.shape) has \(batch) samples but \(labels.count) labels were given")
        precondition(
            gradient.shape == output.shape,
            "\(loss): gradient shape \(gradient.shape) must equal output shape \(output.shape)")
        for (i, label) in labels.enumerated() {
            precondition(
                (0..<classes).contains(label),
                "\(loss): label \(label) of sample \(i) is outside 0..<\(classes) for output \(output.shape)")
        }
    }

    /// Gives `losses` one entry per sample, reallocating only when its count differs.
    func resize(_ losses: inout [Float]) {
        if losses.count != batch { losses = [Float](repeating: 0, count: batch) }
    }
}
