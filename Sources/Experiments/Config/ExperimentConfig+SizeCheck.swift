/// A size check run before a network is built: shape inference by arithmetic alone (nothing is
/// allocated), so a plausible typo such as `padding: 100000` is a clear error naming the layer
/// instead of an allocation failure or a machine brought to swapping.
///
/// Limits (documented in docs/experiment-file.md, "Size limits"):
/// - at most `maxParameters` = 2^28 (268,435,456) learnable parameters — 1 GiB of float32 weights
///   (the memory total below is what binds: weights, gradients and Adam's two moments of 2^28
///   parameters are 4 GiB before any replica);
/// - at most `maxChunkBuffers` = 2 GiB of per-chunk buffers: every layer's output plus a
///   convolution's unfolded (im2col) input, float32, times the samples in one chunk
///   (min(chunk, batch_size)).
/// - at most `maxBatchInput` = 1 GiB for one batch of network inputs: min(batch_size, training
///   samples) × the per-sample input (training images after augmentation), float32. The stream keeps
///   a few batches in flight, so this bounds what large crops, padding or resized images cost.
/// - at most `maxMemory` = 4 GiB for the estimated total (`memoryEstimate`): the trainer keeps one
///   network replica per chunk of a batch, each with its own gradients and buffers, so small chunks
///   of a large batch multiply the per-chunk cost.
/// All arithmetic saturates at Int.max instead of overflowing.
extension ExperimentConfig {
    public static let maxParameters = 1 << 28
    public static let maxChunkBuffers = 2 << 30
    public static let maxBatchInput = 1 << 30
    public static let maxMemory = 4 << 30

    /// The parts of `memoryEstimate`, in bytes.
    public struct MemoryEstimate: Equatable, Sendable {
        /// Replicas the trainer keeps: max(⌈training batch / chunk⌉, evaluation's group of
        /// min(4·threads, ⌈evaluation batch / chunk⌉)).
        public var replicas: Int
        /// One replica: a gradient per parameter, and for each of the chunk's samples its input
        /// slice plus every layer's output and (backward) output gradient.
        public var perReplica: Int
        /// The master copy: weights, gradients and the optimizer's state (Adam, AdamW: 2 floats per
        /// parameter; the others 1).
        public var master: Int
        /// Batches of network inputs in flight: the stream's prefetch (max(2, 2·workers)) plus the
        /// one being trained on.
        public var batches: Int
        public var total: Int { sat(sat(sat(replicas, times: perReplica), plus: master), plus: batches) }
    }

    /// What a run of this config holds at its peak, estimated from the shapes alone (nil when a
    /// layer does not fit: building reports it). `trainingSamples` and `evaluationSamples` are the
    /// sizes of the training split and of the largest evaluation set (0 for none).
    public func memoryEstimate(inputShape: [Int], trainingSamples: Int, evaluationSamples: Int)
        -> MemoryEstimate?
    {
        var shape = inputShape
        var parameters = 0
        var floatsPerSample = 0
        for layer in model {
            guard let step = LayerSize(layer, input: shape) else { return nil }
            shape = step.output
            parameters = sat(parameters, plus: step.parameters)
            floatsPerSample = sat(floatsPerSample, plus: step.buffers)
        }
        let chunk = max(1, training.chunk)
        func chunks(_ n: Int) -> Int { (max(1, min(training.batchSize, n)) + chunk - 1) / chunk }
        let evaluationGroup =
            evaluationSamples > 0 ? min(4 * max(1, training.threads), chunks(evaluationSamples)) : 0
        let replicas = max(chunks(trainingSamples), evaluationGroup)
        let input = inputShape.reduce(1) { sat($0, times: $1) }
        let samples = min(chunk, max(1, training.batchSize))
        let perSample = sat(input, plus: sat(2, times: floatsPerSample))
        let perReplica = sat(4, times: sat(parameters, plus: sat(samples, times: perSample)))
        let state = ["adam", "adamw"].contains(optimizer.name) ? 2 : 1
        let master = sat(4, times: sat(parameters, times: 2 + state))
        let batch = max(1, min(training.batchSize, max(trainingSamples, evaluationSamples)))
        let inFlight = max(2, 2 * training.workers) + 1
        let batches = sat(sat(sat(batch, times: input), times: 4), times: inFlight)
        return MemoryEstimate(replicas: replicas, perReplica: perReplica, master: master, batches: batches)
    }

    /// Throws a `ConfigError` at `training.batch_size` when `memoryEstimate` is past `maxMemory`,
    /// with the parts of the estimate and the keys that lower it.
    public func checkMemory(inputShape: [Int], trainingSamples: Int, evaluationSamples: Int) throws {
        guard
            let m = memoryEstimate(
                inputShape: inputShape, trainingSamples: trainingSamples, evaluationSamples: evaluationSamples
            ),
            m.total > Self.maxMemory
        else { return }
        throw ConfigError(
            training.batchSizeMark, "training.batch_size",
            "the run would need about \(Self.bytesText(m.total)): \(m.replicas) network replicas (one per "
                + "chunk of \(training.chunk) samples of a batch of \(training.batchSize)) of "
                + "\(Self.bytesText(m.perReplica)) each (gradients and buffers), \(Self.bytesText(m.master)) "
                + "of weights, gradients and optimizer state, \(Self.bytesText(m.batches)) of input batches in "
                + "flight; expected at most 4 GiB; raise training.chunk (fewer replicas), lower "
                + "training.batch_size or training.workers, or shrink the model or its input (units, filters, "
                + "random_crop size and padding, data.resize)")
    }

    /// Throws a `ConfigError` at `training.batch_size` when one batch of `samples` training samples of
    /// `inputShape` needs more than `maxBatchInput` bytes.
    public func checkBatchSize(inputShape: [Int], samples: Int) throws {
        let batch = max(1, min(training.batchSize, samples))
        let bytes = sat(sat(inputShape.reduce(1) { sat($0, times: $1) }, times: batch), times: 4)
        guard bytes > Self.maxBatchInput else { return }
        let shape = inputShape.map(String.init).joined(separator: "×")
        throw ConfigError(
            training.batchSizeMark, "training.batch_size",
            "a batch of \(batch) network inputs of \(shape) needs \(Self.grouped(bytes)) bytes "
                + "(\(Self.bytesText(bytes))), expected at most \(Self.grouped(Self.maxBatchInput)) (1 GiB); "
                + "lower batch_size or the input size (random_crop size and padding, data.resize)")
    }

    /// Throws a `ConfigError` at the first `model[i]` that takes the network past a limit; layers
    /// whose shapes do not fit stop the estimate (building reports them with their own message).
    public func checkNetworkSize(inputShape: [Int]) throws {
        let samples = max(1, min(training.chunk, training.batchSize))
        var shape = inputShape
        var parameters = 0
        var floatsPerSample = 0
        for (i, layer) in model.enumerated() {
            guard let step = LayerSize(layer, input: shape) else { return }
            shape = step.output
            parameters = sat(parameters, plus: step.parameters)
            floatsPerSample = sat(floatsPerSample, plus: step.buffers)
            let key = "model[\(i)].\(layer.name)"
            let what = "gives \(Self.shapeText(shape))"
            if parameters > Self.maxParameters {
                throw ConfigError(
                    layer.mark, key,
                    "\(what) and brings the network to \(Self.grouped(parameters)) parameters, expected at "
                        + "most \(Self.grouped(Self.maxParameters)) (2^28); check filters, units and kernel")
            }
            let bytes = sat(sat(floatsPerSample, times: samples), times: 4)
            if bytes > Self.maxChunkBuffers {
                throw ConfigError(
                    layer.mark, key,
                    "\(what), so the layers up to here need \(Self.bytesText(bytes)) of buffers per chunk of "
                        + "\(samples) samples, expected at most 2 GiB; check padding, kernel, stride, filters "
                        + "and units (or lower training.chunk)")
            }
        }
    }

    static func shapeText(_ s: [Int]) -> String {
        s.count == 3 ? "\(s[0]) maps of \(s[1])×\(s[2])" : "\(s.reduce(1) { sat($0, times: $1) }) features"
    }

    /// `268,435,456`.
    static func grouped(_ n: Int) -> String {
        var text = String(n)
        var i = text.count - 3
        while i > 0 {
            text.insert(",", at: text.index(text.startIndex, offsetBy: i))
            i -= 3
        }
        return text
    }

    /// `3.5 GiB`, `720.0 TiB` (binary units, one decimal).
    static func bytesText(_ bytes: Int) -> String {
        if bytes == Int.max { return "more than 8 EiB" }
        var value = Double(bytes)
        for unit in ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] {
            if value < 1024 { return unit == "B" ? "\(bytes) B" : String(format: "%.1f %@", value, unit) }
            value /= 1024
        }
        return String(format: "%.1f EiB", value)
    }
}

/// Saturating arithmetic for size estimates.
func sat(_ a: Int, plus b: Int) -> Int {
    let (r, o) = a.addingReportingOverflow(b)
    return o ? Int.max : r
}

func sat(_ a: Int, times b: Int) -> Int {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    return o ? Int.max : r
}

/// One layer's output shape, parameter count and per-sample buffer floats, from its config alone.
struct LayerSize {
    var output: [Int]
    var parameters = 0
    var buffers = 0

    /// Nil when the layer cannot take `input` (the builder reports why).
    init?(_ layer: LayerConfig, input: [Int]) {
        let p = layer.params
        func count(_ s: [Int]) -> Int { s.reduce(1) { sat($0, times: $1) } }
        /// (h + 2·pad − k) / stride + 1, nil when the window does not fit.
        func side(_ h: Int, _ k: Int, _ stride: Int, _ pad: Int) -> Int? {
            let padded = sat(h, plus: sat(2, times: pad))
            guard stride > 0, k > 0, k <= padded else { return nil }
            return (padded - k) / stride + 1
        }
        switch layer.name {
        case "conv", "subsample":
            guard input.count == 3 else { return nil }
            let (c, h, w) = (input[0], input[1], input[2])
            let isConv = layer.name == "conv"
            let k = p.int(isConv ? "kernel" : "size")
            let stride = p["stride"]?.int ?? k
            let pad = isConv || p.string("kind") != "lecun" ? p.int("padding") : 0
            guard let oh = side(h, k, stride, pad), let ow = side(w, k, stride, pad) else { return nil }
            let maps = isConv ? p.int("filters") : c
            output = [maps, oh, ow]
            if isConv {
                let links = p["table"]?.list?.reduce(0) { $0 + ($1.list?.count ?? 0) } ?? sat(c, times: maps)
                parameters = sat(sat(links, times: sat(k, times: k)), plus: p.bool("bias") ? maps : 0)
                // Output plus the unfolded input: C·k·k rows of oh·ow columns.
                let unfolded = sat(sat(c, times: sat(k, times: k)), times: sat(oh, times: ow))
                buffers = sat(count(output), plus: unfolded)
            } else {
                parameters = p.string("kind") == "lecun" ? 2 * c : 0
                buffers = count(output)
            }
        case "dense":
            let units = p.int("units")
            output = [units]
            parameters = sat(sat(count(input), times: units), plus: p.bool("bias") ? units : 0)
            buffers = units
        case "flatten":
            output = [count(input)]
            buffers = 0
        case "global_avg":
            guard input.count == 3 else { return nil }
            output = [input[0], 1, 1]
            buffers = input[0]
        case "batchnorm":
            output = input
            parameters = sat(2, times: input.count == 3 ? input[0] : count(input))
            buffers = count(input)
        default:  // activations and dropout keep the shape
            output = input
            buffers = count(input)
        }
    }
}
