/// Global average pooling: the mean of each map, [N, C, H, W] → [N, C, 1, 1].
public final class GlobalAvgPool: Layer {
    private var inputShape: [Int] = []
    private var outputBuffer = Tensor.empty, gradInputBuffer = Tensor.empty

    public var kind: String { "global avg pool" }

    public init() {}

    // Forward: x [N, C, H, W] → y [N, C, 1, 1], y = Σ map / (H·W).
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 4, "GlobalAvgPool expects [N, C, H, W], got \(input.shape)")
        inputShape = input.shape
        let area = input.shape[2] * input.shape[3], planes = input.shape[0] * input.shape[1]
        var output = Tensor.take(&outputBuffer, shape: (input.shape[0], input.shape[1], 1, 1), zeroed: false)
        for p in 0..<planes {
            var sum: Float = 0
            for i in 0..<area { sum += input.storage[p * area + i] }
            output.storage[p] = sum / Float(area)
        }
        outputBuffer = output
        return output
    }

    // Backward: dy [N, C, 1, 1] → dx [N, C, H, W], dx = dy / (H·W) everywhere in the map.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        let area = inputShape[2] * inputShape[3], planes = inputShape[0] * inputShape[1]
        precondition(gradOutput.count == planes, "GlobalAvgPool backward expects \(planes) gradients, got \(gradOutput.shape)")
        var gradInput = Tensor.take(&gradInputBuffer, shape: inputShape, zeroed: false)
        for p in 0..<planes {
            let g = gradOutput.storage[p] / Float(area)
            for i in 0..<area { gradInput.storage[p * area + i] = g }
        }
        gradInputBuffer = gradInput
        return gradInput
    }

    public func replica() -> Layer { GlobalAvgPool() }
}
