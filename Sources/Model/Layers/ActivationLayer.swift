import Foundation

/// An element-wise nonlinearity, as data: the experiment file names one of these.
public enum Activation: Equatable, Sendable {
    case sigmoid
    case tanh
    /// LeCun's scaled tanh f(x) = 1.7159·tanh(2x/3) (LeCun et al. 1998, Appendix A; LeCun et al.
    /// 1998b "Efficient BackProp"): f(±1) ≈ ±1 and the gain is near 1 around the origin.
    case lecunTanh
    case relu
    /// max(x, slope·x) for slope < 1.
    case leakyReLU(slope: Float)
    /// x for x > 0, alpha·(eˣ − 1) otherwise (Clevert et al. 2016).
    case elu(alpha: Float)

    public var name: String {
        switch self {
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .lecunTanh: return "scaled_tanh"  // the experiment file's name
        case .relu: return "relu"
        case .leakyReLU(let slope): return "leaky_relu(\(slope))"
        case .elu(let alpha): return "elu(\(alpha))"
        }
    }

    /// f(x).
    @inline(__always) func value(_ x: Float) -> Float {
        switch self {
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .tanh: return Foundation.tanh(x)
        case .lecunTanh: return 1.7159 * Foundation.tanh(2 * x / 3)
        case .relu: return x > 0 ? x : 0
        case .leakyReLU(let slope): return x > 0 ? x : slope * x
        case .elu(let alpha): return x > 0 ? x : alpha * (Foundation.exp(x) - 1)
        }
    }

    /// f′(x), given x and y = f(x).
    @inline(__always) func derivative(x: Float, y: Float) -> Float {
        switch self {
        case .sigmoid: return y * (1 - y)
        case .tanh: return 1 - y * y
        case .lecunTanh:
            let t = y / 1.7159
            return 1.7159 * (2.0 / 3.0) * (1 - t * t)
        case .relu: return x > 0 ? 1 : 0
        case .leakyReLU(let slope): return x > 0 ? 1 : slope
        case .elu(let alpha): return x > 0 ? 1 : y + alpha
        }
    }
}

/// Applies an `Activation` element-wise; any shape in, same shape out.
public final class ActivationLayer: Layer {
    public let activation: Activation
    private var input = Tensor.empty
    private var output = Tensor.empty
    private var gradInputBuffer = Tensor.empty

    public var kind: String { activation.name }

    /// Set by `Network` on a ReLU directly followed by a 2×2 stride-2 max pool, which then applies
    /// the rectification to its four times smaller output (`MaxPool2D.appliesReLU`). This layer's
    /// forward and backward then pass their argument through unchanged (no pass over memory); the
    /// pair's output and gradients are those of ReLU then pool.
    public internal(set) var isAppliedByNextLayer = false

    public init(_ activation: Activation) { self.activation = activation }

    // Forward: x [N, ...] → y = f(x), same shape.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        self.input = input
        if isAppliedByNextLayer { return input }
        var y = Tensor.take(&output, shape: input.shape, zeroed: false)
        let activation = self.activation
        input.storage.withUnsafeBufferPointer { x in
            y.storage.withUnsafeMutableBufferPointer { out in
                if case .relu = activation {
                    for i in 0..<out.count { out[i] = x[i] > 0 ? x[i] : 0 }
                } else {
                    for i in 0..<out.count { out[i] = activation.value(x[i]) }
                }
            }
        }
        output = y
        return y
    }

    // Backward: dy → dx = dy · f′(x), same shape.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.shape == input.shape,
                     "\(activation.name) backward expects \(input.shape), got \(gradOutput.shape)")
        if isAppliedByNextLayer { return gradOutput }
        var dx = Tensor.take(&gradInputBuffer, shape: input.shape, zeroed: false)
        let activation = self.activation
        gradOutput.storage.withUnsafeBufferPointer { dy in
            input.storage.withUnsafeBufferPointer { x in
                output.storage.withUnsafeBufferPointer { y in
                    dx.storage.withUnsafeMutableBufferPointer { out in
                        if case .relu = activation {
                            for i in 0..<out.count { out[i] = dy[i] * (x[i] > 0 ? 1 : 0) }
                        } else {
                            for i in 0..<out.count { out[i] = dy[i] * activation.derivative(x: x[i], y: y[i]) }
                        }
                    }
                }
            }
        }
        gradInputBuffer = dx
        return dx
    }

    public func releaseInput() { input = .empty }

    public func replica() -> Layer { ActivationLayer(activation) }
}
