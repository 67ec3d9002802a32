import WorkbenchRandom

/// Random brightness then contrast change, as torchvision's `adjust_brightness`/`adjust_contrast`.
///
/// Draws a brightness factor `b` uniform in `brightness` and a contrast factor `k` uniform in
/// `contrast`; then `x ← clamp(b·x)` and `x ← clamp(k·x + (1 − k)·m)`, where `m` is the mean
/// grey level of the brightened image (ITU-R 601 luma 0.299 R + 0.587 G + 0.114 B for 3-channel
/// images, the plain mean otherwise). Clamping is to [0, 1]. Factors of 1 leave the image unchanged.
public struct BrightnessContrast: Augmentation {
    public let brightness: ClosedRange<Float>
    public let contrast: ClosedRange<Float>

    public init(brightness: ClosedRange<Float> = 1...1, contrast: ClosedRange<Float> = 1...1) {
        precondition(
            brightness.lowerBound >= 0 && contrast.lowerBound >= 0,
            "BrightnessContrast factors must be >= 0, got \(brightness), \(contrast)")
        self.brightness = brightness
        self.contrast = contrast
    }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        let b = rng.nextFloat(in: brightness.lowerBound, brightness.upperBound)
        let k = rng.nextFloat(in: contrast.lowerBound, contrast.upperBound)
        BrightnessContrast.adjust(&image, brightness: b, contrast: k)
    }

    /// Applies fixed factors (the deterministic half of `apply`).
    public static func adjust(_ image: inout Image, brightness b: Float, contrast k: Float) {
        if b != 1 {
            image.pixels.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] = min(1, max(0, p[i] * b)) }
            }
        }
        guard k != 1 else { return }
        let m = meanGrey(image)
        image.pixels.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = min(1, max(0, k * p[i] + (1 - k) * m)) }
        }
    }

    static func meanGrey(_ image: Image) -> Float {
        var sum: Double = 0
        let plane = image.height * image.width
        if image.channels == 3 {
            let weights: [Double] = [0.299, 0.587, 0.114]
            for ch in 0..<3 {
                var s: Double = 0
                for i in 0..<plane { s += Double(image.pixels[ch * plane + i]) }
                sum += weights[ch] * s
            }
            return Float(sum / Double(plane))
        }
        for v in image.pixels { sum += Double(v) }
        return Float(sum / Double(max(1, image.pixels.count)))
    }

    public var description: String {
        "color(brightness: \(formatParameter(brightness)), contrast: \(formatParameter(contrast)))"
    }
}
