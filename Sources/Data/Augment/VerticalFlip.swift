import WorkbenchRandom

/// Mirrors the image top-to-bottom with probability `p` (default 0.5): `y -> H - 1 - y`.
public struct VerticalFlip: Augmentation {
    public let probability: Float

    public init(probability: Float = 0.5) {
        precondition(
            probability >= 0 && probability <= 1, "flip probability must be in [0, 1], got \(probability)")
        self.probability = probability
    }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        guard rng.nextFloat() < probability else { return }
        let w = image.width
        let h = image.height
        let c = image.channels
        image.pixels.withUnsafeMutableBufferPointer { p in
            for ch in 0..<c {
                var top = 0
                var bottom = h - 1
                while top < bottom {
                    let a = (ch * h + top) * w
                    let b = (ch * h + bottom) * w
                    for x in 0..<w { p.swapAt(a + x, b + x) }
                    top += 1
                    bottom -= 1
                }
            }
        }
    }

    public var description: String { "vflip(p: \(formatParameter(probability)))" }
}
