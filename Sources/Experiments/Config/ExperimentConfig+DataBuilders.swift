import WorkbenchData
import WorkbenchRandom

extension ExperimentConfig {
    /// Opens one dataset of the `data:` section (IDX files or an image folder with the section's
    /// channels and resize); throws the data layer's `DataError` naming the file on bad data, or a
    /// `ConfigError` on `data.<which>` when its channels disagree with `data.channels`.
    public func makeDataset(_ source: DataSource, key: String = "data.train") throws -> any Dataset {
        let dataset: any Dataset
        switch source.format {
        case "idx":
            dataset = try IDXDataset(imagesPath: source.images!, labelsPath: source.labels!)
        case "folder":
            let resize = data.resize.map { (height: $0[0], width: $0[1]) }
            dataset = try ImageFolderDataset(
                root: source.path!, options: .init(channels: data.channels, resize: resize))
        default:
            preconditionFailure("data format '\(source.format)' passed validation but has no builder")
        }
        guard dataset.sampleShape.channels == data.channels else {
            throw ConfigError(
                SourceMark(origin: name), key,
                "expected \(data.channels)-channel images (data.channels), found "
                    + "\(dataset.sampleShape.channels) channels in \(source.images ?? source.path!)")
        }
        return dataset
    }

    /// The training dataset (before the validation split).
    public func makeTrainDataset() throws -> any Dataset { try makeDataset(data.train, key: "data.train") }

    /// The test dataset, if the file names one.
    public func makeTestDataset() throws -> (any Dataset)? {
        try data.test.map { try makeDataset($0, key: "data.test") }
    }

    /// Splits the training set by `data.validation` with the experiment seed (the data layer derives
    /// `RandomStream.split` from it): (training part, validation part or nil when the fraction is 0).
    public func splitValidation(_ dataset: any Dataset) -> (train: any Dataset, validation: (any Dataset)?) {
        func split<D: Dataset>(_ d: D) -> (train: any Dataset, validation: (any Dataset)?) {
            let parts = TrainValidationSplit(
                d, validationFraction: data.validation, rng: SplitMix64(seed: seed))
            return (parts.train, parts.validation.count > 0 ? parts.validation : nil)
        }
        return split(dataset)
    }

    /// The `augment:` list as one pipeline, in file order.
    public func makeAugmentation() -> AugmentationPipeline {
        AugmentationPipeline(augment.map { $0.makeAugmentation() })
    }

    /// What validation and test images (and gradcheck's samples) go through instead: a centre crop
    /// to the size of every `random_crop`, padded with its fill; `nil` when no step changes the size.
    public func makeEvaluationResize() -> AugmentationPipeline? { makeAugmentation().evaluationPipeline }

    /// `data.normalize` with one value per channel (a single value is used for every channel).
    public func makeNormalization() -> Normalization? {
        guard let n = data.normalize else { return nil }
        func perChannel(_ v: [Double]) -> [Float] {
            v.count == 1 ? Array(repeating: Float(v[0]), count: data.channels) : v.map(Float.init)
        }
        return Normalization(mean: perChannel(n.mean), std: perChannel(n.std))
    }
}

extension AugmentConfig {
    /// The data layer's augmentation for this entry.
    public func makeAugmentation() -> any Augmentation {
        let p = params
        func f(_ key: String) -> Float { Float(p.double(key)) }
        func range(_ key: String) -> ClosedRange<Float> {
            let v = p.doubles(key)!
            return Float(v[0])...Float(v[1])
        }
        /// [max(0, 1 − s), 1 + s], torchvision's ColorJitter factor range.
        func jitter(_ key: String) -> ClosedRange<Float> { max(0, 1 - f(key))...(1 + f(key)) }
        switch name {
        case "random_crop": return RandomCrop(size: p.int("size"), padding: p.int("padding"), fill: f("fill"))
        case "hflip": return HorizontalFlip(probability: f("p"))
        case "vflip": return VerticalFlip(probability: f("p"))
        case "affine":
            return RandomAffine(
                degrees: -f("degrees")...f("degrees"), translate: (f("translate"), f("translate")),
                scale: range("scale"), shear: -f("shear")...f("shear"), fill: f("fill"))
        case "elastic": return ElasticDistortion(alpha: f("alpha"), sigma: f("sigma"), fill: f("fill"))
        case "noise": return GaussianNoise(std: f("std"))
        case "erase":
            return RandomErasing(
                probability: f("p"), area: range("area"), aspect: range("aspect"), fill: f("value"))
        case "color":
            return BrightnessContrast(brightness: jitter("brightness"), contrast: jitter("contrast"))
        default: preconditionFailure("augmentation '\(name)' passed validation but has no builder")
        }
    }
}
