import WorkbenchRandom

/// Adds independent Gaussian noise of standard deviation `std` to every sample, then clamps the
/// result to [0, 1] so the image stays on the scale the normalisation expects.
///
/// Because of the clamp, pixels at 0 or 1 get a one-sided, smaller perturbation; the mean and
/// spread of the noise are exactly `0` and `std` only for pixels far from the ends of the range.
public struct GaussianNoise: Augmentation {
    public let std: Float

    public init(std: Float) {
        precondition(std >= 0, "GaussianNoise std must be >= 0, got \(std)")
        self.std = std
    }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        guard std > 0 else { return }
        let s = std
        image.pixels.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                p[i] = min(1, max(0, p[i] + s * Float(rng.nextGaussian())))
            }
        }
    }

    public var description: String { "noise(std: \(formatParameter(std)))" }
}
