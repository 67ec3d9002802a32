import WorkbenchRandom

/// Mirrors the image left-to-right with probability `p` (default 0.5): `x -> W - 1 - x`.
public struct HorizontalFlip: Augmentation {
    public let probability: Float

    public init(probability: Float = 0.5) {
        precondition(
            probability >= 0 && probability <= 1, "flip probability must be in [0, 1], got \(probability)")
        self.probability = probability
    }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        guard rng.nextFloat() < probability else { return }
        let w = image.width
        let rows = image.channels * image.height
        image.pixels.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows {
                var a = r * w
                var b = a + w - 1
                while a < b {
                    p.swapAt(a, b)
                    a += 1
                    b -= 1
                }
            }
        }
    }

    public var description: String { "hflip(p: \(formatParameter(probability)))" }
}
