import WorkbenchRandom

/// Per-call settings of a forward pass: training or evaluation, and the randomness for dropout.
public struct ForwardContext {
    /// Training mode (dropout active, batch norm uses batch statistics) or evaluation mode.
    public var training: Bool
    /// The chunk's random stream: the trainer derives it from (seed, step, chunk index), so masks
    /// never depend on which thread ran the chunk. Layers derive their own stream from it with their
    /// index and never advance it.
    public var random: SplitMix64
    /// Index of the layer being run (set by `Network`), so each dropout layer gets its own stream.
    public var layerIndex: Int

    public init(training: Bool, random: SplitMix64 = SplitMix64(seed: 0), layerIndex: Int = 0) {
        self.training = training
        self.random = random
        self.layerIndex = layerIndex
    }

    /// Evaluation mode: no dropout, batch norm uses running statistics.
    public static var evaluation: ForwardContext { ForwardContext(training: false) }
}

/// One step of a network: forward keeps what backward needs; backward accumulates parameter
/// gradients (`+=`, like PyTorch) and returns the gradient with respect to the input.
///
/// Class-bound because a layer keeps its forward cache for backward. A layer is used by one thread
/// at a time; the trainer gives each chunk of a batch its own replica.
public protocol Layer: AnyObject {
    /// Short description for summaries, e.g. `conv 5×5`.
    var kind: String { get }
    /// Trainable parameters in a fixed order (weight before bias).
    var parameters: [Parameter] { get }
    /// Non-trainable saved state (batch norm running statistics); `grad` is unused.
    var buffers: [Parameter] { get }
    /// Input [N, ...] → output [N, ...].
    func forward(_ input: Tensor, context: ForwardContext) -> Tensor
    /// Gradient w.r.t. the last forward's output → gradient w.r.t. its input (same shape as input),
    /// or `Tensor.empty` when `needsInputGradient` is false and the layer skipped that work.
    func backward(_ gradOutput: Tensor) -> Tensor
    /// Whether `backward` must compute the input gradient (true by default). `Network` clears it
    /// for its first layer, whose input is the data: nothing consumes that gradient. A layer may
    /// then skip the work and return `Tensor.empty` (shape [0]) — never a zero or stale tensor
    /// that could pass for a gradient; layers without a cheaper path ignore the flag.
    var needsInputGradient: Bool { get set }
    /// A layer with the same configuration and copied parameter values, but its own caches and
    /// gradient buffers.
    func replica() -> Layer
    /// Drops references to the previous layer's output kept for backward, so that layer can reuse
    /// its output storage in the next forward pass (called by `Network` before each forward).
    func releaseInput()
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [Parameter] { [] }
    public func releaseInput() {}
    public var needsInputGradient: Bool {
        get { true }
        set {}  // always computed
    }
}

extension Parameter {
    /// A new parameter with the same name and a copy of the value (zero gradient).
    func copy() -> Parameter { Parameter(name: name, value: value) }
}
