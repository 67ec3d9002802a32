/// Flattens each sample: [N, C, H, W] → [N, C·H·W]. Backward restores the input shape.
public final class Flatten: Layer {
    private var inputShape: [Int] = []

    public var kind: String { "flatten" }

    public init() {}

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(!input.shape.isEmpty, "Flatten expects [N, ...], got a scalar")
        inputShape = input.shape
        let n = input.shape[0]
        return input.reshaped([n, n == 0 ? 0 : input.count / n])
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.count == inputShape.reduce(1, *),
                     "Flatten backward expects \(inputShape.reduce(1, *)) gradients, got \(gradOutput.shape)")
        return gradOutput.reshaped(inputShape)
    }

    public func replica() -> Layer { Flatten() }
}
