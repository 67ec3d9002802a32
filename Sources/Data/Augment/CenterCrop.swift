import WorkbenchRandom

/// Cuts the central `height x width` window out of the image, padding with `fill` where the window
/// reaches past the image: the deterministic counterpart of `RandomCrop` that validation and test
/// images get (as torchvision users pair `RandomCrop` in training with `CenterCrop` in evaluation).
///
/// The window's top row is `(H - height) / 2` rounded towards zero (likewise the left column): an
/// odd surplus of rows is cut at the bottom, and a window larger than the image pads the odd row at
/// the bottom (likewise the column at the right), as torchvision's `CenterCrop` pads. Draws nothing from `rng`.
public struct CenterCrop: Augmentation {
    public let height: Int
    public let width: Int
    /// Value outside the image, on the [0, 1] scale.
    public let fill: Float

    public init(height: Int, width: Int, fill: Float = 0) {
        precondition(height > 0 && width > 0, "CenterCrop needs a positive size, got \(height)x\(width)")
        self.height = height
        self.width = width
        self.fill = fill
    }

    public func outputShape(for shape: ImageShape) throws -> ImageShape { (shape.channels, height, width) }

    /// Top-left corner of the window in image coordinates (negative when the window is larger).
    public static func offset(_ size: Int, in extent: Int) -> Int {
        (extent - size) / 2  // rounds towards zero: the odd row or column goes to the bottom or right
    }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        let h = image.height
        let w = image.width
        if height == h && width == w { return }
        let top = Self.offset(height, in: h)
        let left = Self.offset(width, in: w)
        image = image.window(top: top, left: left, height: height, width: width, fill: fill)
    }

    public var description: String {
        let size = height == width ? "\(height)" : "\(height)x\(width)"
        return "center_crop(size: \(size), fill: \(formatParameter(fill)))"
    }
}
