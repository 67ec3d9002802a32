/// Per-channel standardisation `x ← (x − mean[c]) / std[c]`, with mean and std on the [0, 1] scale.
///
/// Not an augmentation: it is deterministic and applies to training, validation and test samples
/// alike (the stream applies it after augmentation). For MNIST the usual values are mean 0.1307,
/// std 0.3081; `estimate(from:)` computes them for any dataset.
public struct Normalization: Sendable, Equatable, CustomStringConvertible {
    public let mean: [Float]
    public let std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(
            !mean.isEmpty && mean.count == std.count,
            "Normalization needs one mean and one std per channel, "
                + "got \(mean.count) means and \(std.count) stds"
        )
        precondition(std.allSatisfy { $0 > 0 }, "Normalization std must be positive, got \(std)")
        self.mean = mean
        self.std = std
    }

    /// Checks that the images to normalise have one channel per mean.
    public func check(_ shape: ImageShape) throws {
        guard shape.channels == mean.count else {
            throw DataError(
                path: "normalization",
                "expected images with \(mean.count) channel(s) (one per mean), found \(shape.channels)")
        }
    }

    public func apply(_ image: inout Image) {
        precondition(
            image.channels == mean.count,
            "Normalization for \(mean.count) channel(s) applied to a \(image.channels)-channel image")
        let plane = image.height * image.width
        image.pixels.withUnsafeMutableBufferPointer { p in
            apply(from: UnsafeBufferPointer(p), to: p.baseAddress!, plane: plane)
        }
    }

    /// Writes the normalised samples of one CHW image `source` to `destination` (they may alias).
    func apply(
        from source: UnsafeBufferPointer<Float>, to destination: UnsafeMutablePointer<Float>, plane: Int
    ) {
        for ch in 0..<mean.count {
            let m = mean[ch]
            let inverse = 1 / std[ch]
            let base = ch * plane
            for i in base..<base + plane { destination[i] = (source[i] - m) * inverse }
        }
    }

    /// Per-channel mean and (population) standard deviation over every pixel of `dataset`,
    /// accumulated in double precision.
    public static func estimate(from dataset: any Dataset) throws -> Normalization {
        let channels = dataset.sampleShape.channels
        var sum = [Double](repeating: 0, count: channels)
        var squares = sum
        var perChannel = 0
        for index in 0..<dataset.count {
            let image = try dataset.sample(at: index).image
            guard image.channels == channels else {
                throw DataError(
                    path: "sample \(index)", "expected \(channels) channel(s), found \(image.channels)")
            }
            let plane = image.height * image.width
            perChannel += plane
            for ch in 0..<channels {
                for v in image.pixels[ch * plane..<(ch + 1) * plane] {
                    sum[ch] += Double(v)
                    squares[ch] += Double(v) * Double(v)
                }
            }
        }
        guard perChannel > 0 else {
            throw DataError(path: "dataset", "expected samples to estimate from, found none")
        }
        let n = Double(perChannel)
        let mean = sum.map { $0 / n }
        let std = zip(squares, mean).map { max(1e-12, $0 / n - $1 * $1).squareRoot() }
        return Normalization(mean: mean.map(Float.init), std: std.map { max(Float($0), 1e-6) })
    }

    public var description: String {
        "normalize(mean: \(mean.map { formatParameter($0) }), std: \(std.map { formatParameter($0) }))"
    }
}
