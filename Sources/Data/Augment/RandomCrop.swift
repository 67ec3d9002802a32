import WorkbenchRandom

/// Pads the image on every side with a fill value, then cuts out a window at a random offset.
///
/// The padded image is `(H + 2p) x (W + 2p)`; the top offset is uniform over
/// `0 ... H + 2p - height` inclusive (likewise for the left offset), so every window, including the
/// one touching the last row and column, is reachable. A crop of the image's own size with padding
/// 0 returns the image unchanged. As in torchvision's `RandomCrop(padding:)` with constant fill.
public struct RandomCrop: Augmentation {
    public let height: Int
    public let width: Int
    public let padding: Int
    /// Value of the padded border, on the [0, 1] scale.
    public let fill: Float

    public init(height: Int, width: Int, padding: Int = 0, fill: Float = 0) {
        precondition(
            height > 0 && width > 0 && padding >= 0,
            "RandomCrop needs positive size and padding >= 0, got \(height)x\(width) padding \(padding)")
        self.height = height
        self.width = width
        self.padding = padding
        self.fill = fill
    }

    /// A square crop.
    public init(size: Int, padding: Int = 0, fill: Float = 0) {
        self.init(height: size, width: size, padding: padding, fill: fill)
    }

    public func outputShape(for shape: ImageShape) throws -> ImageShape {
        let ph = shape.height + 2 * padding
        let pw = shape.width + 2 * padding
        guard height <= ph && width <= pw else {
            throw DataError(
                path: "random_crop",
                "expected a crop no larger than the padded image \(ph)x\(pw), found crop \(height)x\(width)")
        }
        return (shape.channels, height, width)
    }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        let h = image.height
        let w = image.width
        precondition(
            height <= h + 2 * padding && width <= w + 2 * padding,
            "RandomCrop \(height)x\(width) larger than padded image \(h + 2 * padding)x\(w + 2 * padding)")
        let top = rng.nextInt(below: h + 2 * padding - height + 1) - padding
        let left = rng.nextInt(below: w + 2 * padding - width + 1) - padding
        if top == 0 && left == 0 && height == h && width == w { return }
        image = image.window(top: top, left: left, height: height, width: width, fill: fill)
    }

    /// The central window of the same size, padded with the same fill where it reaches past the image.
    public var evaluationCounterpart: (any Augmentation)? {
        CenterCrop(height: height, width: width, fill: fill)
    }

    public var description: String {
        let size = height == width ? "\(height)" : "\(height)x\(width)"
        return "random_crop(size: \(size), padding: \(padding), fill: \(formatParameter(fill)))"
    }
}
