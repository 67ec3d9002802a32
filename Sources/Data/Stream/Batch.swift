/// A batch of samples ready for the network: images as one flat NCHW float array.
public struct Batch: Sendable, Equatable {
    /// `count * channels * height * width` samples, index `((n * channels + c) * height + y) * width + x`.
    public var images: [Float]
    public var count: Int
    public var channels: Int
    public var height: Int
    public var width: Int
    /// Class label of each image.
    public var labels: [Int]
    /// Index of each image in the streamed dataset.
    public var indices: [Int]
    /// Epoch this batch belongs to, and its position in that epoch.
    public var epoch: Int
    public var position: Int

    public init(
        images: [Float], shape: (count: Int, channels: Int, height: Int, width: Int),
        labels: [Int], indices: [Int], epoch: Int = 0, position: Int = 0
    ) {
        precondition(
            images.count == shape.count * shape.channels * shape.height * shape.width,
            "Batch \(shape) needs \(shape.count * shape.channels * shape.height * shape.width) samples, "
                + "got \(images.count)"
        )
        precondition(
            labels.count == shape.count && indices.count == shape.count,
            "Batch of \(shape.count) needs as many labels and indices, got \(labels.count) and \(indices.count)"
        )
        self.images = images
        (count, channels, height, width) = shape
        self.labels = labels
        self.indices = indices
        self.epoch = epoch
        self.position = position
    }

    /// (n, c, h, w).
    public var shape: (count: Int, channels: Int, height: Int, width: Int) {
        (count, channels, height, width)
    }

    /// Image `n` of the batch, as an `Image`.
    public func image(_ n: Int) -> Image {
        let size = channels * height * width
        return Image(
            channels: channels, height: height, width: width, pixels: Array(images[n * size..<(n + 1) * size])
        )
    }
}
