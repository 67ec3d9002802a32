import Foundation
import WorkbenchRandom

/// A random rotation, translation, scaling and shear about the image centre, bilinearly sampled.
///
/// Per image it draws an angle (degrees, counter-clockwise as displayed, i.e. with y pointing down),
/// a translation of up to `translate` times the width/height (rounded to whole pixels, as in
/// torchvision's `RandomAffine`), a scale factor and an x-shear angle (degrees), then maps
///
///     output(p) = input(A⁻¹ (p − centre − t) + centre),   A = R(angle) · Shear(shear) · scale,
///
/// with the centre at ((W − 1)/2, (H − 1)/2). Output pixels whose source falls outside the image
/// read `fill` (default 0, black); near the border the fill is blended in bilinearly. Sines and
/// cosines of multiples of 90° are exact, so quarter turns of a square image (with scale 1, no
/// shear, no translation) are pure index permutations, and identity parameters return the image
/// unchanged.
public struct RandomAffine: Augmentation {
    public let degrees: ClosedRange<Float>
    /// Largest translation as a fraction of (width, height).
    public let translate: (x: Float, y: Float)
    public let scale: ClosedRange<Float>
    /// x-shear angle range in degrees.
    public let shear: ClosedRange<Float>
    public let fill: Float

    public init(
        degrees: ClosedRange<Float> = 0...0, translate: (x: Float, y: Float) = (0, 0),
        scale: ClosedRange<Float> = 1...1, shear: ClosedRange<Float> = 0...0, fill: Float = 0
    ) {
        precondition(
            translate.x >= 0 && translate.x <= 1 && translate.y >= 0 && translate.y <= 1,
            "RandomAffine translate fractions must be in [0, 1], got \(translate)")
        precondition(scale.lowerBound > 0, "RandomAffine scale must be positive, got \(scale)")
        precondition(
            shear.lowerBound > -90 && shear.upperBound < 90,
            "RandomAffine shear must be inside (-90, 90) degrees, got \(shear)")
        self.degrees = degrees
        self.translate = translate
        self.scale = scale
        self.shear = shear
        self.fill = fill
    }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        let angle = rng.nextFloat(in: degrees.lowerBound, degrees.upperBound)
        let maxDX = translate.x * Float(image.width)
        let maxDY = translate.y * Float(image.height)
        let tx = rng.nextFloat(in: -maxDX, maxDX).rounded()
        let ty = rng.nextFloat(in: -maxDY, maxDY).rounded()
        let s = rng.nextFloat(in: scale.lowerBound, scale.upperBound)
        let sh = rng.nextFloat(in: shear.lowerBound, shear.upperBound)
        RandomAffine.warp(&image, degrees: angle, translation: (tx, ty), scale: s, shear: sh, fill: fill)
    }

    /// Applies one affine map with the given parameters (the deterministic half of `apply`).
    public static func warp(
        _ image: inout Image, degrees: Float, translation: (x: Float, y: Float),
        scale: Float, shear: Float, fill: Float = 0
    ) {
        let (sinA, cosA) = exactSinCos(degrees: Double(degrees))
        let tanS = exactTan(degrees: Double(shear))
        let s = Double(scale)
        // A = R · Sh · s, R = [[cos, sin], [-sin, cos]] (counter-clockwise on screen), Sh = [[1, tan], [0, 1]].
        let a = cosA * s
        let b = (cosA * tanS + sinA) * s
        let c = -sinA * s
        let d = (-sinA * tanS + cosA) * s
        let det = a * d - b * c
        let ia = Float(d / det)
        let ib = Float(-b / det)
        let ic = Float(-c / det)
        let id = Float(a / det)
        if ia == 1 && ib == 0 && ic == 0 && id == 1 && translation.x == 0 && translation.y == 0 { return }
        let h = image.height
        let w = image.width
        let cx = Float(w - 1) / 2
        let cy = Float(h - 1) / 2
        var out = [Float](repeating: fill, count: image.pixels.count)
        BilinearSampler(image, fill: fill).resample(into: &out) { x, y in
            let px = Float(x) - cx - translation.x
            let py = Float(y) - cy - translation.y
            return (ia * px + ib * py + cx, ic * px + id * py + cy)
        }
        image.pixels = out
    }

    public var description: String {
        "affine(degrees: \(formatParameter(degrees)), translate: (\(formatParameter(translate.x)), "
            + "\(formatParameter(translate.y))), scale: \(formatParameter(scale)), "
            + "shear: \(formatParameter(shear)), fill: \(formatParameter(fill)))"
    }
}

/// Sine and cosine of an angle in degrees, exact (0, ±1) at multiples of 90°.
func exactSinCos(degrees: Double) -> (sin: Double, cos: Double) {
    let turns = degrees / 90
    if turns == turns.rounded() {
        // The remainder first: a huge angle would overflow Int.
        switch ((Int(turns.truncatingRemainder(dividingBy: 4)) % 4) + 4) % 4 {
        case 0: return (0, 1)
        case 1: return (1, 0)
        case 2: return (0, -1)
        default: return (-1, 0)
        }
    }
    let radians = degrees * Double.pi / 180
    return (sin(radians), cos(radians))
}

/// Tangent of an angle in degrees, exactly 0 at 0°.
func exactTan(degrees: Double) -> Double { degrees == 0 ? 0 : tan(degrees * Double.pi / 180) }
