/// A dataset held entirely in memory: a list of samples with one shape.
///
/// Useful for small generated data in tests, for caching a decoded dataset, and for data built
/// in code. Every sample must have the dataset's shape and a label in `0 ..< classNames.count`.
public struct ArrayDataset: Dataset {
    public let samples: [Sample]
    public let sampleShape: (channels: Int, height: Int, width: Int)
    public let classNames: [String]

    /// Wraps `samples`, all of shape `shape`. `classNames` defaults to "0", "1", … up to the
    /// largest label.
    public init(
        samples: [Sample], shape: (channels: Int, height: Int, width: Int),
        classNames: [String]? = nil
    ) {
        for (i, s) in samples.enumerated() {
            precondition(
                s.image.channels == shape.channels && s.image.height == shape.height
                    && s.image.width == shape.width,
                "ArrayDataset sample \(i) is \(s.image.channels)x\(s.image.height)x\(s.image.width), "
                    + "expected \(shape.channels)x\(shape.height)x\(shape.width)")
        }
        let names = classNames ?? (0..<((samples.map(\.label).max() ?? -1) + 1)).map(String.init)
        for (i, s) in samples.enumerated() {
            precondition(
                s.label >= 0 && s.label < names.count,
                "ArrayDataset sample \(i) has label \(s.label), expected 0..<\(names.count)")
        }
        self.samples = samples
        self.sampleShape = shape
        self.classNames = names
    }

    /// Wraps non-empty `samples`, taking the shape from the first one.
    public init(samples: [Sample], classNames: [String]? = nil) {
        precondition(!samples.isEmpty, "ArrayDataset(samples:) needs at least one sample to know the shape")
        let first = samples[0].image
        self.init(
            samples: samples, shape: (first.channels, first.height, first.width),
            classNames: classNames)
    }

    public var count: Int { samples.count }

    public func sample(at index: Int) throws -> Sample {
        precondition(
            index >= 0 && index < samples.count,
            "ArrayDataset index \(index) out of range 0..<\(samples.count)")
        return samples[index]
    }
}
