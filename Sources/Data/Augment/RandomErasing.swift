import Foundation
import WorkbenchRandom

/// Random erasing (Zhong, Zheng, Kang, Li & Yang 2017, "Random Erasing Data Augmentation").
///
/// With probability `probability` it picks a rectangle whose area is a uniform fraction `area` of
/// the image and whose aspect ratio (height / width) is log-uniform in `aspect`, at a uniform
/// position, and sets it to `fill` in every channel. Like torchvision, it tries up to 10 draws
/// for a rectangle that fits strictly inside the image and leaves the image unchanged if none does.
public struct RandomErasing: Augmentation {
    public let probability: Float
    public let area: ClosedRange<Float>
    public let aspect: ClosedRange<Float>
    public let fill: Float

    public init(
        probability: Float = 0.5, area: ClosedRange<Float> = 0.02...0.33,
        aspect: ClosedRange<Float> = 0.3...3.3, fill: Float = 0
    ) {
        precondition(
            probability >= 0 && probability <= 1,
            "RandomErasing probability must be in [0, 1], got \(probability)")
        precondition(
            area.lowerBound > 0 && area.upperBound <= 1, "RandomErasing area must be in (0, 1], got \(area)")
        precondition(aspect.lowerBound > 0, "RandomErasing aspect must be positive, got \(aspect)")
        self.probability = probability
        self.area = area
        self.aspect = aspect
        self.fill = fill
    }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        guard rng.nextFloat() < probability else { return }
        let h = image.height
        let w = image.width
        let c = image.channels
        let logLow = log(aspect.lowerBound)
        let logHigh = log(aspect.upperBound)
        for _ in 0..<10 {
            let target = Float(h * w) * rng.nextFloat(in: area.lowerBound, area.upperBound)
            let ratio = exp(rng.nextFloat(in: logLow, logHigh))
            let fh = (target * ratio).squareRoot().rounded()
            let fw = (target / ratio).squareRoot().rounded()
            // Compared as floats first: an extreme aspect makes sides too large for Int.
            guard fh >= 1 && fw >= 1 && fh < Float(h) && fw < Float(w) else { continue }
            let (eh, ew) = (Int(fh), Int(fw))
            let top = rng.nextInt(below: h - eh + 1)
            let left = rng.nextInt(below: w - ew + 1)
            let value = fill
            image.pixels.withUnsafeMutableBufferPointer { p in
                for ch in 0..<c {
                    for y in top..<top + eh {
                        let row = (ch * h + y) * w
                        for x in left..<left + ew { p[row + x] = value }
                    }
                }
            }
            return
        }
    }

    public var description: String {
        "erase(p: \(formatParameter(probability)), area: \(formatParameter(area)), "
            + "aspect: \(formatParameter(aspect)), value: \(formatParameter(fill)))"
    }
}
