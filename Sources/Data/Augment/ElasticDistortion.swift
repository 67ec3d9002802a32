import Foundation
import WorkbenchRandom

/// Elastic distortion (Simard, Steinkraus & Platt 2003, "Best practices for convolutional neural
/// networks applied to visual document analysis", §2).
///
/// Draws displacement fields Δx, Δy uniform in [−1, 1] per pixel, smooths each with a Gaussian of
/// standard deviation `sigma` (pixels; separable, truncated at 3σ and renormalised at the border),
/// scales them by `alpha` (pixels) and resamples `output(x, y) = input(x + Δx, y + Δy)` bilinearly;
/// sources outside the image read `fill`. Simard et al. used σ = 4, α = 34 on MNIST (the defaults).
/// With `alpha = 0` the image is returned unchanged.
public struct ElasticDistortion: Augmentation {
    public let alpha: Float
    public let sigma: Float
    public let fill: Float
    /// Normalised half-kernel: weights for offsets 0, 1, …, radius.
    let kernel: [Float]

    public init(alpha: Float = 34, sigma: Float = 4, fill: Float = 0) {
        precondition(
            alpha >= 0 && alpha.isFinite && sigma >= 0 && sigma <= 1e6,
            "ElasticDistortion needs finite alpha >= 0 and 0 <= sigma <= 1e6, got \(alpha), \(sigma)")
        self.alpha = alpha
        self.sigma = sigma
        self.fill = fill
        if sigma == 0 {
            kernel = [1]
        } else {
            // In Double: sigma² underflows float32 for sigma below ~1e-19, which made 0/0 weights.
            let s = Double(sigma)
            let radius = max(1, Int((3 * s).rounded(.up)))
            kernel = (0...radius).map { Float(exp(-Double($0 * $0) / (2 * s * s))) }
        }
    }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        let h = image.height
        let w = image.width
        let n = h * w
        var dx = [Float](repeating: 0, count: n)
        var dy = [Float](repeating: 0, count: n)
        for i in 0..<n { dx[i] = rng.nextFloat(in: -1, 1) }
        for i in 0..<n { dy[i] = rng.nextFloat(in: -1, 1) }
        smooth(&dx, height: h, width: w)
        smooth(&dy, height: h, width: w)
        var out = [Float](repeating: fill, count: image.pixels.count)
        dx.withUnsafeBufferPointer { dx in
            dy.withUnsafeBufferPointer { dy in
                BilinearSampler(image, fill: fill).resample(into: &out) { x, y in
                    (Float(x) + alpha * dx[y &* w &+ x], Float(y) + alpha * dy[y &* w &+ x])
                }
            }
        }
        image.pixels = out
    }

    /// Separable Gaussian blur of one H×W field; weights outside the field are dropped and the rest
    /// renormalised, so border displacements keep their scale.
    func smooth(_ field: inout [Float], height h: Int, width w: Int) {
        guard kernel.count > 1 else { return }
        let r = kernel.count - 1
        var tmp = [Float](repeating: 0, count: field.count)
        for y in 0..<h {
            for x in 0..<w {
                var sum: Float = 0
                var weight: Float = 0
                for k in max(-r, -x)...min(r, w - 1 - x) {
                    let g = kernel[abs(k)]
                    sum += g * field[y * w + x + k]
                    weight += g
                }
                tmp[y * w + x] = sum / weight
            }
        }
        for y in 0..<h {
            for x in 0..<w {
                var sum: Float = 0
                var weight: Float = 0
                for k in max(-r, -y)...min(r, h - 1 - y) {
                    let g = kernel[abs(k)]
                    sum += g * tmp[(y + k) * w + x]
                    weight += g
                }
                field[y * w + x] = sum / weight
            }
        }
    }

    public var description: String {
        "elastic(alpha: \(formatParameter(alpha)), sigma: \(formatParameter(sigma)), "
            + "fill: \(formatParameter(fill)))"
    }
}
