import WorkbenchRandom

/// A feed-forward network built from a list of `LayerSpec`s, like PyTorch's `nn.Sequential`.
///
/// All shapes are inferred when it is built; a bad spec throws a `ModelError` naming the layer
/// (0-based spec index, matching the weight names `layers.<i>.weight`). A network is used by one
/// thread at a time; `Trainer` runs chunks on replicas.
///
/// A LeNet-5 (LeCun et al. 1998) reads as its layer list:
///
///     let lenet = try Network(specs: [
///         .conv(.init(outChannels: 6, kernel: 5)), .activation(.lecunTanh), .lecunSubsample(kernel: 2),
///         .activation(.lecunTanh), .conv(.init(outChannels: 16, kernel: 5, connections: LeNet.c3Connections)),
///         .activation(.lecunTanh), .lecunSubsample(kernel: 2), .activation(.lecunTanh),
///         .conv(.init(outChannels: 120, kernel: 5)), .activation(.lecunTanh),
///         .dense(.init(outputs: 84)), .activation(.lecunTanh), .dense(.init(outputs: 10)),
///     ], inputShape: [1, 32, 32], rng: SplitMix64(seed: 1))
public final class Network {
    public let specs: [LayerSpec]
    /// Per-sample input shape [C, H, W].
    public let inputShape: [Int]
    public let layers: [Layer]
    /// Per-layer output shapes (per sample) and forward FLOPs, in spec order.
    public let layerOutputShapes: [[Int]]
    public let layerFlops: [Int]

    /// Builds the layers, initialising layer i's weights from `rng.derived(initialisation, i)` so
    /// adding or changing one layer never shifts another layer's initial weights. Biases start at zero.
    public init(specs: [LayerSpec], inputShape: [Int], rng: SplitMix64,
                defaultInitializer: String = "lecun_uniform") throws {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw ModelError.invalidInputShape(inputShape)
        }
        var shape = inputShape
        var layers: [Layer] = [], shapes: [[Int]] = [], flops: [Int] = []
        for (i, spec) in specs.enumerated() {
            var layerRNG = rng.derived(RandomStream.initialisation.rawValue, UInt64(i))
            let built = try spec.build(index: i, input: shape, defaultInitializer: defaultInitializer, rng: &layerRNG)
            layers.append(built.layer)
            shapes.append(built.outputShape)
            flops.append(built.flops)
            shape = built.outputShape
        }
        self.specs = specs
        self.inputShape = inputShape
        self.layers = layers
        self.layerOutputShapes = shapes
        self.layerFlops = flops
        layers.first?.needsInputGradient = false  // didSet does not run in init
        Network.fuseReLUIntoMaxPool(layers)
    }

    private init(replicating other: Network) {
        specs = other.specs
        inputShape = other.inputShape
        layers = other.layers.map { $0.replica() }
        layerOutputShapes = other.layerOutputShapes
        layerFlops = other.layerFlops
        needsInputGradient = other.needsInputGradient
        layers.first?.needsInputGradient = needsInputGradient
        Network.fuseReLUIntoMaxPool(layers)
    }

    /// Whether `backward` returns dL/d(input). False after building (training never uses the
    /// gradient w.r.t. the data, and the first convolution then skips its largest backward
    /// product and col2im); replicas copy the setting. Set it to true to get that gradient.
    public var needsInputGradient = false {
        didSet { if !layers.isEmpty { layers[0].needsInputGradient = needsInputGradient } }
    }

    /// Per-sample output shape ([K] for a classifier).
    public var outputShape: [Int] { layerOutputShapes.last ?? inputShape }

    /// Elements per input sample, C·H·W.
    public var inputSize: Int { inputShape.reduce(1, *) }

    /// Trainable parameters in layer order (`layers.<i>.weight`, `layers.<i>.bias`).
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// Saved non-trainable state (batch norm `running_mean` / `running_var`).
    public var buffers: [Parameter] { layers.flatMap(\.buffers) }

    /// Number of trainable scalars. Weights masked out by a connection table are not counted.
    public var parameterCount: Int {
        zip(layers, specs).reduce(0) { total, pair in
            if let conv = pair.0 as? Conv2D, let table = conv.connections {
                let links = table.reduce(0) { $0 + $1.count }
                return total + links * conv.kernelHeight * conv.kernelWidth + (conv.bias?.value.count ?? 0)
            }
            return total + pair.0.parameters.reduce(0) { $0 + $1.value.count }
        }
    }

    /// Same layers and parameter values, own caches and gradients.
    public func replica() -> Network { Network(replicating: self) }

    /// Copies parameter and buffer values from a network of the same specs (no reallocation).
    public func copyValues(from other: Network) {
        for (mine, theirs) in zip(parameters + buffers, other.parameters + other.buffers) {
            precondition(mine.value.shape == theirs.value.shape,
                         "copyValues: \(mine.name) has shape \(mine.value.shape), source \(theirs.value.shape)")
            mine.value.storage.withUnsafeMutableBufferPointer { dst in
                theirs.value.storage.withUnsafeBufferPointer { src in _ = dst.update(fromContentsOf: src) }
            }
        }
    }

    public func zeroGradients() { for p in parameters { p.zeroGrad() } }

    // Forward: x [N, C, H, W] → layer 0 → ... → [N, K].
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        forward(input, fromLayer: 0, context: context)
    }

    /// Runs layers `start...` on `input` (the input of layer `start`).
    public func forward(_ input: Tensor, fromLayer start: Int, context: ForwardContext) -> Tensor {
        if start == 0 {
            precondition(input.shape.count == 4 && input.shape.dropFirst().elementsEqual(inputShape),
                         "Network expects [N] + \(inputShape), got \(input.shape)")
        }
        releaseInputs(fromLayer: start)
        var x = input
        var context = context
        for i in start..<layers.count {
            context.layerIndex = i
            x = layers[i].forward(x, context: context)
        }
        return x
    }

    /// Drops the references layers `start...` keep to their inputs for backward, so each layer's
    /// output storage has a single owner again and the next forward pass writes it in place.
    public func releaseInputs(fromLayer start: Int = 0) {
        for layer in layers[start...] { layer.releaseInput() }
    }

    // Backward: dL/d(output) [N, K] → ... → dL/d(input) [N, C, H, W]; parameter gradients accumulate.
    // Returns `Tensor.empty` instead of dL/d(input) when `needsInputGradient` is false.
    @discardableResult
    public func backward(_ gradOutput: Tensor) -> Tensor {
        backward(gradOutput, downToLayer: 0)
    }

    /// Backpropagates through layers `end...` (last to `end`) and returns the gradient w.r.t. the
    /// input of layer `end` (`Tensor.empty` for `end` 0 when `needsInputGradient` is false).
    public func backward(_ gradOutput: Tensor, downToLayer end: Int) -> Tensor {
        var g = gradOutput
        for layer in layers[end...].reversed() { g = layer.backward(g) }
        return end == 0 && !needsInputGradient ? .empty : g
    }
}
