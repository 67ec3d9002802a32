/// A dense float32 tensor. Images and activations use NCHW layout (batch, channels, height, width);
/// dense activations are [N, features]. Storage is a Swift array (copy-on-write value semantics).
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var storage: [Float]

    public init(shape: [Int], storage: [Float]) {
        precondition(shape.reduce(1, *) == storage.count,
                     "Tensor shape \(shape) needs \(shape.reduce(1, *)) elements, got \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, storage: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, storage: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { storage.count }

    /// The same elements viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }
}

/// A trainable tensor and its gradient. Layers own parameters; optimizers update them in place.
public final class Parameter {
    /// Name as saved in weight files, e.g. `layers.0.weight`.
    public var name: String
    public var value: Tensor
    /// Gradient of the loss with respect to `value`, same shape.
    public var grad: Tensor

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.grad = Tensor(zeros: value.shape)
    }

    /// Sets the gradient to zero without reallocating.
    public func zeroGrad() {
        grad.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
