/// Flattens each sample: [N, C, H, W] → [N, C·H·W]. Backward restores the input shape.
public final class Flatten: Layer {
    private var inputShape: [Int] = []
    /// The last forward's output shape, kept so an unchanged shape allocates no new array.
    private var outputShape: [Int] = []

    public var kind: String { "flatten" }

    public init() {}

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(!input.shape.isEmpty, "Flatten expects [N, ...], got a scalar")
        inputShape = input.shape
        let n = input.shape[0], features = n == 0 ? 0 : input.count / n
        if !outputShape.equals(n, features) { outputShape = [n, features] }
        return input.reshaped(outputShape)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.count == inputShape.reduce(1, *),
                     "Flatten backward expects \(inputShape.reduce(1, *)) gradients, got \(gradOutput.shape)")
        return gradOutput.reshaped(inputShape)
    }

    public func replica() -> Layer { Flatten() }
}
