import Foundation

/// Class probabilities for images, in evaluation mode.
extension Network {
    /// Softmax class probabilities [N, K] for `count` images given as flat NCHW floats, run in
    /// batches of `batchSize` (evaluation mode: no dropout, batch norm running statistics).
    public func probabilities(images: [Float], count: Int, batchSize: Int = 64) -> Tensor {
        precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
        precondition(images.count == count * inputSize,
                     "probabilities: \(count) images of \(inputShape) need \(count * inputSize) floats, got \(images.count)")
        let classes = outputShape.reduce(1, *)
        var result = Tensor(zeros: [count, classes])
        var start = 0
        while start < count {
            let n = min(batchSize, count - start)
            let batch = Tensor(shape: [n] + inputShape,
                               storage: Array(images[(start * inputSize)..<((start + n) * inputSize)]))
            let logits = forward(batch, context: .evaluation)
            for s in 0..<n {
                let row = logits.storage[(s * classes)..<((s + 1) * classes)]
                let top = row.max() ?? 0
                var sum: Double = 0
                for v in row { sum += Foundation.exp(Double(v - top)) }
                for (k, v) in row.enumerated() {
                    result.storage[(start + s) * classes + k] = Float(Foundation.exp(Double(v - top)) / sum)
                }
            }
            start += n
        }
        return result
    }
}
