import WorkbenchRandom

/// Epochs of batches over a dataset: seeded shuffle, batching, decode + augment + normalise on
/// worker threads ahead of the consumer, with bounded memory (after tensorflow/swift-apis `Epochs`).
///
/// Everything random is a function of the seed and the position, never of thread timing:
/// - the order of epoch `e` is a Fisher–Yates permutation drawn from `seed.derived(shuffle, e)`;
/// - sample `i` of epoch `e` is augmented with `seed.derived(augmentation, e, i)`.
/// So batches are bit-identical whatever the number of workers, and differ from epoch to epoch.
///
///     let stream = try BatchStream(dataset: train, batchSize: 64, augmentation: pipeline,
///                                  normalization: norm, seed: SplitMix64(seed: 42), workers: 2)
///     for batch in stream.epoch(0) { let batch = try batch.get(); ... }
///
/// Nothing is decoded until the first batch is asked for. Validation and test data use
/// `BatchStream.evaluation`, which neither shuffles nor augments at random (it only centre-crops to
/// the training crop size).
public struct BatchStream: Sendable {
    public let dataset: any Dataset
    public let batchSize: Int
    public let shuffle: Bool
    /// Drop the last batch of an epoch when it would be smaller than `batchSize`.
    public let dropLast: Bool
    /// Training: the random augmentation. Evaluation: its deterministic counterpart, or `nil`.
    public let augmentation: AugmentationPipeline?
    /// Applied after augmentation, to every sample.
    public let normalization: Normalization?
    public let seed: SplitMix64
    /// Worker threads preparing batches; 0 prepares them on the consumer's thread.
    public let workers: Int
    /// At most this many batches are being prepared or waiting for the consumer at any time.
    public let prefetch: Int
    /// Shape of every image in a batch (after augmentation).
    public let imageShape: ImageShape

    /// Checks the augmentation and normalisation against the dataset's sample shape; throws a
    /// `DataError` naming the step that does not fit.
    public init(
        dataset: any Dataset, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
        augmentation: AugmentationPipeline? = nil, normalization: Normalization? = nil,
        seed: SplitMix64, workers: Int = 1, prefetch: Int? = nil
    ) throws {
        precondition(batchSize > 0, "BatchStream batch size must be positive, got \(batchSize)")
        precondition(workers >= 0, "BatchStream workers must be >= 0, got \(workers)")
        precondition((prefetch ?? 1) > 0, "BatchStream prefetch must be positive, got \(prefetch ?? 0)")
        let shape = try augmentation?.outputShape(for: dataset.sampleShape) ?? dataset.sampleShape
        try normalization?.check(shape)
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.augmentation = augmentation?.steps.isEmpty == true ? nil : augmentation
        self.normalization = normalization
        self.seed = seed
        self.workers = workers
        self.prefetch = prefetch ?? max(2, 2 * workers)
        self.imageShape = shape
    }

    /// A stream for validation or test data: dataset order, every sample kept, no random
    /// augmentation — only `resize`, the deterministic counterpart of the training augmentation
    /// (`AugmentationPipeline.evaluationPipeline`: a centre crop for every random crop), if any.
    public static func evaluation(
        dataset: any Dataset, batchSize: Int, normalization: Normalization? = nil,
        resize: AugmentationPipeline? = nil, workers: Int = 1, prefetch: Int? = nil
    ) throws -> BatchStream {
        try BatchStream(
            dataset: dataset, batchSize: batchSize, shuffle: false, dropLast: false,
            augmentation: resize, normalization: normalization, seed: SplitMix64(seed: 0),
            workers: workers, prefetch: prefetch)
    }

    /// Number of batches in every epoch.
    public var batchesPerEpoch: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The order in which epoch `epoch` visits the dataset (identity without shuffle).
    public func order(epoch: Int) -> [Int] {
        precondition(epoch >= 0, "epoch must be >= 0, got \(epoch)")
        var order = Array(0..<dataset.count)
        guard shuffle else { return order }
        var rng = seed.derived(RandomStream.shuffle.rawValue, UInt64(epoch))
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, rng.nextInt(below: i + 1))
        }
        return order
    }

    /// The batches of epoch `epoch`, computed lazily as they are iterated.
    public func epoch(_ epoch: Int) -> Epoch { Epoch(stream: self, index: epoch) }

    /// Epochs `numbers` (e.g. `0..<10`, or `start..<epochs` when resuming) as a lazy sequence.
    public func epochs(_ numbers: Range<Int>) -> LazyMapSequence<Range<Int>, Epoch> {
        numbers.lazy.map { epoch($0) }
    }

    /// Decodes, augments and normalises batch `position` of an epoch whose order is `order`.
    func makeBatch(epoch: Int, position: Int, order: [Int]) throws -> Batch {
        let start = position * batchSize
        let end = min(start + batchSize, order.count)
        let indices = Array(order[start..<end])
        let (c, h, w) = imageShape
        let size = c * h * w
        let n = indices.count
        var labels = [Int](repeating: 0, count: n)
        var images = [Float](repeating: 0, count: n * size)
        let expected = dataset.sampleShape
        try images.withUnsafeMutableBufferPointer { out in
            for (slot, index) in indices.enumerated() {
                let sample = try dataset.sample(at: index)
                var image = sample.image
                guard
                    image.channels == expected.channels && image.height == expected.height
                        && image.width == expected.width
                else {
                    throw DataError(
                        path: "sample \(index)",
                        "expected an image \(expected.channels)x\(expected.height)x\(expected.width), "
                            + "found \(image.channels)x\(image.height)x\(image.width)")
                }
                if let augmentation {
                    var rng = seed.derived(RandomStream.augmentation.rawValue, UInt64(epoch), UInt64(index))
                    augmentation.apply(&image, rng: &rng)
                    precondition(
                        image.channels == c && image.height == h && image.width == w,
                        "augmentation \(augmentation) produced "
                            + "\(image.channels)x\(image.height)x\(image.width), expected \(c)x\(h)x\(w)")
                }
                let destination = out.baseAddress! + slot * size
                image.pixels.withUnsafeBufferPointer { source in
                    if let normalization {
                        normalization.apply(from: source, to: destination, plane: h * w)
                    } else {
                        destination.update(from: source.baseAddress!, count: size)
                    }
                }
                labels[slot] = sample.label
            }
        }
        return Batch(
            images: images, shape: (n, c, h, w), labels: labels, indices: indices,
            epoch: epoch, position: position)
    }
}

extension BatchStream: CustomStringConvertible {
    /// The stream's settings, for recording in run configs.
    public var description: String {
        "batch-stream(batch: \(batchSize), shuffle: \(shuffle), drop-last: \(dropLast), "
            + "augmentation: \(augmentation?.description ?? "none"), "
            + "normalization: \(normalization?.description ?? "none"), "
            + "workers: \(workers), prefetch: \(prefetch))"
    }
}
