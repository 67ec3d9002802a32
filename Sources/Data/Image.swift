/// One image as the network sees it before normalisation: float samples scaled to [0, 1],
/// channel-major (CHW) layout.
public struct Image: Equatable, Sendable {
    public var channels: Int
    public var height: Int
    public var width: Int
    /// `channels * height * width` samples, index `(c * height + y) * width + x`.
    public var pixels: [Float]

    public init(channels: Int, height: Int, width: Int, pixels: [Float]) {
        precondition(pixels.count == channels * height * width,
                     "Image \(channels)x\(height)x\(width) needs \(channels * height * width) samples, got \(pixels.count)")
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
    }

    public init(channels: Int, height: Int, width: Int, fill: Float = 0) {
        self.init(channels: channels, height: height, width: width,
                  pixels: [Float](repeating: fill, count: channels * height * width))
    }

    @inlinable public subscript(c: Int, y: Int, x: Int) -> Float {
        get { pixels[(c * height + y) * width + x] }
        set { pixels[(c * height + y) * width + x] = newValue }
    }
}

/// A labelled image.
public struct Sample: Equatable, Sendable {
    public var image: Image
    public var label: Int
    public init(image: Image, label: Int) {
        self.image = image
        self.label = label
    }
}
