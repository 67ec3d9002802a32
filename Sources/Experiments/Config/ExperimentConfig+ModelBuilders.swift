import WorkbenchData
import WorkbenchModel
import WorkbenchRandom

extension LayerConfig {
    /// WorkbenchModel's description of this layer.
    public func makeSpec() -> LayerSpec {
        let p = params
        switch name {
        case "conv":
            let table = p["table"]?.list?.map { $0.list?.compactMap(\.int) ?? [] }
            return .conv(
                .init(
                    outChannels: p.int("filters"), kernel: p.int("kernel"), stride: p.int("stride"),
                    padding: p.int("padding"), bias: p.bool("bias"), connections: table,
                    initializer: p.string("init")))
        case "subsample":
            let pooling = LayerSpec.Pooling(
                kernel: p.int("size"), stride: p.int("stride"), padding: p.int("padding"))
            switch p.string("kind") {
            case "max": return .maxPool(pooling)
            case "avg": return .avgPool(pooling)
            default: return .lecunSubsample(kernel: p.int("size"), stride: p.int("stride"))
            }
        case "dense":
            return .dense(.init(outputs: p.int("units"), bias: p.bool("bias"), initializer: p.string("init")))
        case "relu": return .activation(.relu)
        case "tanh": return .activation(.tanh)
        case "sigmoid": return .activation(.sigmoid)
        case "scaled_tanh": return .activation(.lecunTanh)
        case "leaky_relu": return .activation(.leakyReLU(slope: Float(p.double("slope"))))
        case "elu": return .activation(.elu(alpha: Float(p.double("alpha"))))
        case "flatten": return .flatten
        case "global_avg": return .globalAvgPool
        case "dropout": return .dropout(probability: Float(p.double("p")))
        case "batchnorm":
            return .batchNorm(momentum: Float(p.double("momentum")), epsilon: Float(p.double("eps")))
        default: preconditionFailure("layer '\(name)' passed validation but has no builder")
        }
    }
}

extension ExperimentConfig {
    /// Where `data.<key>` was written (`train`, `test`, `validation`), or the experiment's name
    /// when the config was not read from a file.
    public func dataMark(_ key: String) -> SourceMark { data.marks[key] ?? SourceMark(origin: name) }

    /// The `model:` list as WorkbenchModel layer specs, in order.
    public func makeLayerSpecs() -> [LayerSpec] { model.map { $0.makeSpec() } }

    /// Builds the network for per-sample input [C, H, W], initialised from the experiment seed.
    /// Shapes that do not fit become a `ConfigError` at `model[i]` with that layer's line.
    /// Networks past the size limits (`checkNetworkSize`) are refused before anything is allocated.
    public func makeNetwork(inputShape: [Int]) throws -> Network {
        try checkNetworkSize(inputShape: inputShape)
        do {
            return try Network(specs: makeLayerSpecs(), inputShape: inputShape, rng: SplitMix64(seed: seed))
        } catch let ModelError.invalidLayer(index, kind, reason) {
            let mark = model.indices.contains(index) ? model[index].mark : SourceMark(origin: name)
            throw ConfigError(
                mark, "model[\(index)].\(model[index].name)",
                "\(kind) \(reason) (network input \(inputShape.map(String.init).joined(separator: "×")))")
        }
    }

    /// The per-sample shape the network sees: the training images after every augmentation.
    /// A step that cannot take its input (a crop larger than the padded image) is a `ConfigError`
    /// at `augment[i]`.
    public func networkInputShape(trainShape: ImageShape) throws -> [Int] {
        var shape = trainShape
        for (i, entry) in augment.enumerated() {
            do {
                shape = try entry.makeAugmentation().outputShape(for: shape)
            } catch let error as DataError {
                throw ConfigError(entry.mark, "augment[\(i)].\(entry.name)", error.message)
            }
        }
        return [shape.channels, shape.height, shape.width]
    }

    /// Everything that can be checked before training, given the opened datasets: augmentations fit
    /// the training images, test images match what the network sees, a batch of inputs fits
    /// (`checkBatchSize`), the estimated memory stays under 4 GiB (`checkMemory`), the network's
    /// shapes fit, and the last layer gives one score per class.
    /// Returns the built network.
    ///
    /// `split` gives the sizes of the training and validation parts when the training set is split
    /// (`data.validation`); the batch-input and memory checks count the training part.
    public func checkedNetwork(
        train: any Dataset, test: (any Dataset)?, split: (train: Int, validation: Int)? = nil
    ) throws -> Network {
        let input = try networkInputShape(trainShape: train.sampleShape)
        func text(_ s: [Int]) -> String { "\(s[0])×\(s[1])×\(s[2])" }
        if let test {
            let found = test.sampleShape
            let testShape = [found.channels, found.height, found.width]
            let resize = makeEvaluationResize()
            let shown = try resize.map { try $0.outputShape(for: found) } ?? found
            if [shown.channels, shown.height, shown.width] != input {
                throw ConfigError(
                    dataMark("test"), "data.test",
                    "expected test images shaped like the network input \(text(input)) (training images "
                        + "after augment"
                        + (resize.map { "; test images go through \($0)" } ?? "")
                        + "), found \(text(testShape))")
            }
        }
        let trainingSamples = split?.train ?? train.count
        try checkBatchSize(inputShape: input, samples: trainingSamples)
        try checkNetworkSize(inputShape: input)
        try checkMemory(
            inputShape: input, trainingSamples: trainingSamples,
            evaluationSamples: max(split?.validation ?? 0, test?.count ?? 0))
        let network = try makeNetwork(inputShape: input)
        let out = network.outputShape
        let last = model.count - 1
        let classes = max(train.classNames.count, test?.classNames.count ?? 0)
        guard out.count == 1 || (out.count == 3 && out[1] == 1 && out[2] == 1) else {
            throw ConfigError(
                model[last].mark, "model[\(last)].\(model[last].name)",
                "expected the last layer to give class scores [K], found maps \(text(out))")
        }
        if out[0] < classes {
            throw ConfigError(
                model[last].mark, "model[\(last)].\(model[last].name)",
                "expected at least \(classes) outputs, one per class ("
                    + Self.classesText(train, "data.train")
                    + (test.map { "; " + Self.classesText($0, "data.test") } ?? "") + "), found \(out[0])")
        }
        return network
    }

    /// `data.train: 10 classes` or, for IDX labels (classes are label values), `data.test: labels 0…10`.
    static func classesText(_ data: any Dataset, _ key: String) -> String {
        data is IDXDataset
            ? "\(key): labels 0…\(data.classNames.count - 1)" : "\(key): \(data.classNames.count) classes"
    }
}
