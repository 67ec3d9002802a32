import WorkbenchRandom

/// Shape inference and construction of one layer from its spec. Each spec is checked against the
/// shape the previous layer gives, so a bad experiment file fails before any training, naming the
/// layer and the reason.
struct BuiltLayer {
    let layer: Layer
    /// Per-sample output shape: [C, H, W] for maps, [F] for features.
    let outputShape: [Int]
    /// Forward floating-point operations per sample (a multiply-add counts 2).
    let flops: Int
}

extension LayerSpec {
    /// Builds the layer for per-sample input `shape`, initialising weights from `rng`.
    func build(index: Int, input shape: [Int], defaultInitializer: String, rng: inout SplitMix64) throws -> BuiltLayer {
        func fail(_ reason: String) -> ModelError { .invalidLayer(index: index, kind: kind, reason: reason) }
        func describe(_ s: [Int]) -> String {
            s.count == 3 ? "\(s[1])×\(s[2]) input (\(s[0]) maps)" : "\(s.reduce(1, *)) features"
        }
        func maps() throws -> (Int, Int, Int) {
            guard shape.count == 3 else {
                throw fail("needs [C, H, W] maps, the previous layer gives \(describe(shape))")
            }
            return (shape[0], shape[1], shape[2])
        }
        func initializer(_ name: String?) throws -> any WeightInitializer {
            let name = name ?? defaultInitializer
            guard let found = WeightInitializers.named(name) else {
                throw fail("has unknown initialiser '\(name)', expected one of \(WeightInitializers.names.joined(separator: ", "))")
            }
            return found
        }
        func positive(_ values: [(String, Int)]) throws {
            for (name, value) in values where value <= 0 { throw fail("needs a positive \(name), got \(value)") }
        }
        let name = "layers.\(index)"
        let features = shape.reduce(1, *)

        switch self {
        case .conv(let c):
            let (channels, h, w) = try maps()
            try positive([("out_channels", c.outChannels), ("kernel", c.kernelHeight), ("kernel", c.kernelWidth),
                          ("stride", c.stride)])
            if c.padding < 0 { throw fail("needs padding ≥ 0, got \(c.padding)") }
            if c.kernelHeight > h + 2 * c.padding || c.kernelWidth > w + 2 * c.padding {
                let padded = c.padding > 0 ? " padded to \(h + 2 * c.padding)×\(w + 2 * c.padding)" : ""
                throw fail("is larger than its \(h)×\(w) input\(padded)")
            }
            if let table = c.connections {
                if table.count != c.outChannels {
                    throw fail("connection table has \(table.count) rows, expected one per output map (\(c.outChannels))")
                }
                for (o, row) in table.enumerated() {
                    if row.isEmpty { throw fail("connection table row \(o) is empty") }
                    if let bad = row.first(where: { !(0..<channels).contains($0) }) {
                        throw fail("connection table row \(o) names input map \(bad), the previous layer gives \(channels) maps (0..<\(channels))")
                    }
                    if Set(row).count != row.count { throw fail("connection table row \(o) repeats an input map") }
                }
            }
            let conv = Conv2D(name: name, inChannels: channels, outChannels: c.outChannels,
                              kernel: (c.kernelHeight, c.kernelWidth), stride: c.stride, padding: c.padding,
                              bias: c.bias, connections: c.connections)
            try initializer(c.initializer).fill(&conv.weight.value, fanIn: conv.fanIn, fanOut: conv.fanOut, rng: &rng)
            conv.applyConnectionMask()
            let (oh, ow) = conv.outputSize(height: h, width: w)
            let links = c.connections?.reduce(0) { $0 + $1.count } ?? channels * c.outChannels
            let flops = oh * ow * (2 * links * c.kernelHeight * c.kernelWidth + (c.bias ? c.outChannels : 0))
            return BuiltLayer(layer: conv, outputShape: [c.outChannels, oh, ow], flops: flops)

        case .maxPool(let p), .avgPool(let p):
            let (channels, h, w) = try maps()
            try positive([("kernel", p.kernel), ("stride", p.stride ?? p.kernel)])
            if p.padding < 0 || p.padding >= p.kernel {
                throw fail("needs 0 ≤ padding < kernel (\(p.kernel)), got \(p.padding)")
            }
            if p.kernel > h + 2 * p.padding || p.kernel > w + 2 * p.padding {
                throw fail("is larger than its \(h)×\(w) input")
            }
            let layer: Layer
            let (oh, ow): (Int, Int)
            if case .maxPool = self {
                let pool = MaxPool2D(kernel: p.kernel, stride: p.stride, padding: p.padding)
                (oh, ow) = pool.outputSize(height: h, width: w)
                layer = pool
            } else {
                let pool = AvgPool2D(kernel: p.kernel, stride: p.stride, padding: p.padding,
                                     countIncludePadding: p.countIncludePadding)
                (oh, ow) = pool.outputSize(height: h, width: w)
                layer = pool
            }
            return BuiltLayer(layer: layer, outputShape: [channels, oh, ow], flops: channels * oh * ow * p.kernel * p.kernel)

        case .lecunSubsample(let kernel, let stride, let initName):
            let (channels, h, w) = try maps()
            try positive([("kernel", kernel), ("stride", stride ?? kernel)])
            if kernel > h || kernel > w { throw fail("is larger than its \(h)×\(w) input") }
            let layer = LeCunSubsampling(name: name, channels: channels, kernel: kernel, stride: stride)
            try initializer(initName).fill(&layer.weight.value, fanIn: kernel * kernel, fanOut: 1, rng: &rng)
            let (oh, ow) = layer.outputSize(height: h, width: w)
            return BuiltLayer(layer: layer, outputShape: [channels, oh, ow],
                              flops: channels * oh * ow * (kernel * kernel + 2))

        case .globalAvgPool:
            let (channels, h, w) = try maps()
            return BuiltLayer(layer: GlobalAvgPool(), outputShape: [channels, 1, 1], flops: channels * h * w)

        case .dense(let d):
            try positive([("outputs", d.outputs)])
            if let inputs = d.inputs, inputs != features {
                throw fail("expects \(inputs) inputs, the previous layer gives \(features)")
            }
            let dense = Dense(name: name, inputs: features, outputs: d.outputs, bias: d.bias)
            try initializer(d.initializer).fill(&dense.weight.value, fanIn: features, fanOut: d.outputs, rng: &rng)
            return BuiltLayer(layer: dense, outputShape: [d.outputs],
                              flops: d.outputs * (2 * features + (d.bias ? 1 : 0)))

        case .flatten:
            return BuiltLayer(layer: Flatten(), outputShape: [features], flops: 0)

        case .activation(let a):
            switch a {
            case .leakyReLU(let slope) where !(slope.isFinite && slope >= 0 && slope < 1):
                throw fail("needs a slope in [0, 1), got \(slope)")
            case .elu(let alpha) where !(alpha.isFinite && alpha > 0):
                throw fail("needs alpha > 0, got \(alpha)")
            default: break
            }
            return BuiltLayer(layer: ActivationLayer(a), outputShape: shape, flops: features)

        case .dropout(let p):
            if !(p >= 0 && p < 1) { throw fail("needs a probability in [0, 1), got \(p)") }
            return BuiltLayer(layer: Dropout(probability: p), outputShape: shape, flops: features)

        case .batchNorm(let momentum, let epsilon):
            if !(momentum >= 0 && momentum <= 1) { throw fail("needs momentum in [0, 1], got \(momentum)") }
            if !(epsilon > 0) { throw fail("needs epsilon > 0, got \(epsilon)") }
            guard shape.count == 3 || shape.count == 1 else {
                throw fail("needs [C, H, W] maps or [F] features, got shape \(shape)")
            }
            return BuiltLayer(layer: BatchNorm(name: name, channels: shape[0], momentum: momentum, epsilon: epsilon),
                              outputShape: shape, flops: 2 * features)
        }
    }
}
