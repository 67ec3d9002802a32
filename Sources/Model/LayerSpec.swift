/// One layer of a network as data: what an experiment file describes. `Network` turns a list of
/// these into layers, inferring every shape up front.
public enum LayerSpec: Equatable, Sendable {
    /// 2-D convolution (see `Conv2D`).
    case conv(Convolution)
    /// Max subsampling (see `MaxPool2D`; ties go to the first maximum, padding never wins).
    case maxPool(Pooling)
    /// Average subsampling (see `AvgPool2D` for the divisor rule).
    case avgPool(Pooling)
    /// LeNet-5's trainable subsampling: coefficient × window sum + bias per map (see `LeCunSubsampling`).
    case lecunSubsample(kernel: Int, stride: Int? = nil, initializer: String? = nil)
    /// Mean of each map: [C, H, W] → [C, 1, 1].
    case globalAvgPool
    /// Fully connected layer (see `Dense`); flattens its input.
    case dense(FullyConnected)
    /// [C, H, W] → [C·H·W].
    case flatten
    case activation(Activation)
    /// Inverted dropout with drop probability p.
    case dropout(probability: Float)
    /// Batch normalisation over conv maps or dense features (see `BatchNorm`).
    case batchNorm(momentum: Float = 0.1, epsilon: Float = 1e-5)

    public struct Convolution: Equatable, Sendable {
        public var outChannels: Int
        public var kernelHeight: Int, kernelWidth: Int
        public var stride: Int, padding: Int
        public var bias: Bool
        /// `connections[o]` lists the input maps output map `o` sees (LeNet-5's C3); nil = all.
        public var connections: [[Int]]?
        /// Weight initialiser name from `WeightInitializers.table`; nil = the network's default.
        public var initializer: String?

        public init(outChannels: Int, kernel: Int, kernelWidth: Int? = nil, stride: Int = 1, padding: Int = 0,
                    bias: Bool = true, connections: [[Int]]? = nil, initializer: String? = nil) {
            self.outChannels = outChannels
            self.kernelHeight = kernel
            self.kernelWidth = kernelWidth ?? kernel
            self.stride = stride
            self.padding = padding
            self.bias = bias
            self.connections = connections
            self.initializer = initializer
        }
    }

    public struct Pooling: Equatable, Sendable {
        public var kernel: Int
        /// nil = the kernel size (non-overlapping windows).
        public var stride: Int?
        public var padding: Int
        /// Average pooling only: divide by the full window incl. padding (PyTorch's default) or by
        /// the real cells.
        public var countIncludePadding: Bool

        public init(kernel: Int, stride: Int? = nil, padding: Int = 0, countIncludePadding: Bool = true) {
            self.kernel = kernel
            self.stride = stride
            self.padding = padding
            self.countIncludePadding = countIncludePadding
        }
    }

    public struct FullyConnected: Equatable, Sendable {
        public var outputs: Int
        /// Optional explicit input count, checked against what the previous layer gives.
        public var inputs: Int?
        public var bias: Bool
        public var initializer: String?

        public init(outputs: Int, inputs: Int? = nil, bias: Bool = true, initializer: String? = nil) {
            self.outputs = outputs
            self.inputs = inputs
            self.bias = bias
            self.initializer = initializer
        }
    }

    /// Short description used in errors and summaries: `conv 5×5`, `dense`, `max pool 2×2`.
    public var kind: String {
        switch self {
        case .conv(let c): return "conv \(c.kernelHeight)×\(c.kernelWidth)"
        case .maxPool(let p): return "max pool \(p.kernel)×\(p.kernel)"
        case .avgPool(let p): return "avg pool \(p.kernel)×\(p.kernel)"
        case .lecunSubsample(let k, _, _): return "lecun subsample \(k)×\(k)"
        case .globalAvgPool: return "global avg pool"
        case .dense: return "dense"
        case .flatten: return "flatten"
        case .activation(let a): return a.name
        case .dropout(let p): return "dropout \(p)"
        case .batchNorm: return "batch norm"
        }
    }
}
