import WorkbenchRandom
import XCTest

@testable import WorkbenchData

final class GeometricAugmentationTests: XCTestCase {
    /// Reference crop: padded-image window at (top, left) in padded coordinates.
    private func referenceCrop(
        _ image: Image, top: Int, left: Int, height: Int, width: Int,
        padding: Int, fill: Float
    ) -> Image {
        var out = Image(channels: image.channels, height: height, width: width, fill: fill)
        for c in 0..<image.channels {
            for y in 0..<height {
                for x in 0..<width {
                    let sy = top + y - padding
                    let sx = left + x - padding
                    if sy >= 0 && sy < image.height && sx >= 0 && sx < image.width {
                        out[c, y, x] = image[c, sy, sx]
                    }
                }
            }
        }
        return out
    }

    func testRandomCropReachesEveryOffsetIncludingLastRowAndColumn() {
        let image = StreamFixtures.ramp(channels: 2, height: 5, width: 4)
        let crop = RandomCrop(height: 3, width: 3, padding: 2, fill: -1)
        // Offsets in padded coordinates: 0 ... H + 2p - size.
        let tops = 0...(5 + 4 - 3)
        let lefts = 0...(4 + 4 - 3)
        var seen = Set<[Int]>()
        var rng = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            var out = image
            crop.apply(&out, rng: &rng)
            XCTAssertEqual([out.channels, out.height, out.width], [2, 3, 3])
            let matches = tops.flatMap { t in lefts.map { [t, $0] } }.filter {
                referenceCrop(image, top: $0[0], left: $0[1], height: 3, width: 3, padding: 2, fill: -1)
                    == out
            }
            XCTAssertEqual(matches.count, 1, "each crop must be one window of the padded image")
            seen.formUnion(matches)
        }
        XCTAssertEqual(seen.count, tops.count * lefts.count)
        XCTAssertTrue(seen.contains([tops.upperBound, lefts.upperBound]), "last row and column reachable")
        XCTAssertTrue(seen.contains([0, 0]))
    }

    func testCenterCropTakesTheMiddleWindowAndPadsSmallImagesInTheMiddle() throws {
        let image = StreamFixtures.ramp(channels: 2, height: 5, width: 4)
        // Crop 3×2 of 5×4: top ⌊2/2⌋ = 1, left ⌊2/2⌋ = 1.
        var out = image
        var rng = SplitMix64(seed: 1)
        CenterCrop(height: 3, width: 2).apply(&out, rng: &rng)
        XCTAssertEqual(out, referenceCrop(image, top: 1, left: 1, height: 3, width: 2, padding: 0, fill: 0))
        // Window 8×7 over 5×4: 3 extra rows (1 above, 2 below), 3 extra columns (1 left, 2 right);
        // in the 2-padded 9×8 image that window starts at (1, 1).
        var padded = image
        CenterCrop(height: 8, width: 7, fill: -1).apply(&padded, rng: &rng)
        XCTAssertEqual(
            padded, referenceCrop(image, top: 1, left: 1, height: 8, width: 7, padding: 2, fill: -1))
        XCTAssertEqual(padded.pixels[0], -1)
        XCTAssertEqual(padded.pixels[1 * 7 + 1], image.pixels[0])
        XCTAssertEqual(try CenterCrop(height: 8, width: 7).outputShape(for: (2, 5, 4)).height, 8)
        // Random crops have it as their evaluation counterpart; shape-keeping steps have none.
        let pipeline = AugmentationPipeline([RandomCrop(size: 3, padding: 1, fill: 0.5), HorizontalFlip()])
        XCTAssertEqual(pipeline.evaluationPipeline?.description, "center_crop(size: 3, fill: 0.5)")
        XCTAssertNil(AugmentationPipeline([HorizontalFlip()]).evaluationPipeline)
    }

    func testSameSizeCropWithoutPaddingIsIdentity() throws {
        let image = StreamFixtures.ramp(channels: 3, height: 4, width: 7)
        let crop = RandomCrop(height: 4, width: 7)
        XCTAssertEqual(try crop.outputShape(for: (3, 4, 7)).height, 4)
        var rng = SplitMix64(seed: 1)
        for _ in 0..<20 {
            var out = image
            crop.apply(&out, rng: &rng)
            XCTAssertEqual(out, image)
        }
    }

    func testCropLargerThanPaddedImageIsRejectedUpFront() {
        XCTAssertThrowsError(try RandomCrop(size: 33, padding: 2).outputShape(for: (1, 28, 28))) { error in
            XCTAssertTrue("\(error)".contains("32x32"), "\(error)")
            XCTAssertTrue("\(error)".contains("33x33"), "\(error)")
        }
    }

    func testFlipsAreExact() {
        // 2 channels, 2 rows, 3 columns.
        let image = Image(channels: 2, height: 2, width: 3, pixels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        var rng = SplitMix64(seed: 3)
        var h = image
        HorizontalFlip(probability: 1).apply(&h, rng: &rng)
        XCTAssertEqual(h.pixels, [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10])
        var v = image
        VerticalFlip(probability: 1).apply(&v, rng: &rng)
        XCTAssertEqual(v.pixels, [4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9])
        var never = image
        HorizontalFlip(probability: 0).apply(&never, rng: &rng)
        VerticalFlip(probability: 0).apply(&never, rng: &rng)
        XCTAssertEqual(never, image)
    }

    func testFlipProbabilityIsRespected() {
        let image = StreamFixtures.ramp(channels: 1, height: 3, width: 3)
        var rng = SplitMix64(seed: 11)
        var flipped = 0
        for _ in 0..<2000 {
            var out = image
            HorizontalFlip(probability: 0.25).apply(&out, rng: &rng)
            if out != image { flipped += 1 }
        }
        // Binomial(2000, 0.25): mean 500, sd 19.4; ±5 sd.
        XCTAssertEqual(Double(flipped), 500, accuracy: 97)
    }

    func testQuarterTurnIsCounterClockwiseIndexPermutation() {
        let image = Image(channels: 1, height: 2, width: 2, pixels: [1, 2, 3, 4])
        var out = image
        RandomAffine.warp(&out, degrees: 90, translation: (0, 0), scale: 1, shear: 0)
        XCTAssertEqual(out.pixels, [2, 4, 1, 3])
    }

    func testQuarterTurnsEqualIndexPermutations() {
        let n = 5
        let image = StreamFixtures.ramp(channels: 2, height: n, width: n)
        // output(y, x) = input(row, col) for each quarter turn (counter-clockwise as displayed).
        let maps: [(Float, (Int, Int) -> (Int, Int))] = [
            (0, { y, x in (y, x) }),
            (90, { y, x in (x, n - 1 - y) }),
            (180, { y, x in (n - 1 - y, n - 1 - x) }),
            (270, { y, x in (n - 1 - x, y) }),
            (-90, { y, x in (n - 1 - x, y) }),
            (450, { y, x in (x, n - 1 - y) }),
        ]
        for (degrees, map) in maps {
            var expected = image
            for c in 0..<2 {
                for y in 0..<n {
                    for x in 0..<n {
                        let (sy, sx) = map(y, x)
                        expected[c, y, x] = image[c, sy, sx]
                    }
                }
            }
            var rng = SplitMix64(seed: 5)
            var out = image
            RandomAffine(degrees: degrees...degrees).apply(&out, rng: &rng)
            XCTAssertEqual(out, expected, "rotation by \(degrees)°")
        }
        // Four quarter turns come back exactly.
        var out = image
        for _ in 0..<4 { RandomAffine.warp(&out, degrees: 90, translation: (0, 0), scale: 1, shear: 0) }
        XCTAssertEqual(out, image)
    }

    func testAffineIdentityParametersReturnImage() {
        let image = StreamFixtures.ramp(channels: 3, height: 6, width: 4)
        var rng = SplitMix64(seed: 9)
        var out = image
        RandomAffine().apply(&out, rng: &rng)
        XCTAssertEqual(out, image)
        out = image
        RandomAffine.warp(&out, degrees: 0, translation: (0, 0), scale: 1, shear: 0, fill: 0.5)
        XCTAssertEqual(out, image)
    }

    func testAffineTranslationShiftsWholePixelsAndFills() {
        let image = Image(channels: 1, height: 2, width: 3, pixels: [1, 2, 3, 4, 5, 6])
        var out = image
        RandomAffine.warp(&out, degrees: 0, translation: (1, 0), scale: 1, shear: 0, fill: -1)
        XCTAssertEqual(out.pixels, [-1, 1, 2, -1, 4, 5])
        out = image
        RandomAffine.warp(&out, degrees: 0, translation: (0, -1), scale: 1, shear: 0, fill: 9)
        XCTAssertEqual(out.pixels, [4, 5, 6, 9, 9, 9])
    }

    func testAffineBilinearValues() {
        // Scale 2 about the centre (1, 1) of a 3×3 image: output (x, y) samples input at
        // (1 + (x − 1)/2, 1 + (y − 1)/2), i.e. halfway between pixels, blended bilinearly.
        let image = Image(channels: 1, height: 3, width: 3, pixels: [0, 1, 2, 3, 4, 5, 6, 7, 8])
        var out = image
        RandomAffine.warp(&out, degrees: 0, translation: (0, 0), scale: 2, shear: 0)
        // Input value at (sx, sy) is 3·sy + sx (linear), so bilinear reproduces it exactly.
        var expected: [Float] = []
        for y in 0..<3 {
            for x in 0..<3 {
                let sx = 1 + Float(x - 1) / 2
                let sy = 1 + Float(y - 1) / 2
                expected.append(3 * sy + sx)
            }
        }
        for (a, b) in zip(out.pixels, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // Rotation by 45° keeps the centre of an odd-sized image and reads fill far outside.
        var rotated = image
        RandomAffine.warp(&rotated, degrees: 45, translation: (0, 0), scale: 1, shear: 0, fill: 0)
        XCTAssertEqual(rotated[0, 1, 1], 4, accuracy: 1e-5)
    }

    func testElasticWithZeroAlphaIsIdentity() {
        let image = StreamFixtures.ramp(channels: 2, height: 9, width: 7)
        var rng = SplitMix64(seed: 2)
        var out = image
        ElasticDistortion(alpha: 0, sigma: 4).apply(&out, rng: &rng)
        XCTAssertEqual(out, image)
    }

    func testElasticDisplacesButKeepsConstantImages() {
        var rng = SplitMix64(seed: 4)
        let elastic = ElasticDistortion(alpha: 34, sigma: 4, fill: 0.25)
        var constant = Image(channels: 1, height: 12, width: 12, fill: 0.25)
        elastic.apply(&constant, rng: &rng)
        XCTAssertEqual(constant, Image(channels: 1, height: 12, width: 12, fill: 0.25))
        let image = StreamFixtures.ramp(channels: 1, height: 12, width: 12)
        var out = image
        elastic.apply(&out, rng: &rng)
        XCTAssertNotEqual(out, image)
        // The smoothing keeps a constant field constant, also at the border (renormalised).
        var field = [Float](repeating: 0.75, count: 5 * 8)
        elastic.smooth(&field, height: 5, width: 8)
        for v in field { XCTAssertEqual(v, 0.75, accuracy: 1e-6) }
    }

    func testElasticWithTinySigmaIsFiniteAndLikeNoSmoothing() {
        // sigma² underflowed float32 below ~1e-19: the kernel's centre weight was 0/0 = NaN.
        let elastic = ElasticDistortion(alpha: 1, sigma: 1e-30)
        XCTAssertEqual(elastic.kernel, [1, 0])
        let image = StreamFixtures.ramp(channels: 1, height: 6, width: 6)
        var (a, b) = (image, image)
        var (ra, rb) = (SplitMix64(seed: 3), SplitMix64(seed: 3))
        elastic.apply(&a, rng: &ra)
        ElasticDistortion(alpha: 1, sigma: 0).apply(&b, rng: &rb)
        XCTAssertTrue(a.pixels.allSatisfy(\.isFinite), "\(a.pixels)")
        XCTAssertEqual(a, b)
    }

    func testRightAnglesOfHugeRotationsStayExact() {
        // 1e30° is a multiple of 90° in floating point; Int(turns) overflowed before.
        let (s, c) = exactSinCos(degrees: 9e30)
        XCTAssertTrue(s.magnitude + c.magnitude == 1, "\(s), \(c)")
        XCTAssertEqual(exactSinCos(degrees: -270).sin, 1)
        XCTAssertEqual(exactSinCos(degrees: 450).sin, 1)
    }

    func testPipelineAppliesStepsInOrderAndDescribesThem() throws {
        let image = StreamFixtures.ramp(channels: 1, height: 3, width: 4)
        let pipeline = AugmentationPipeline([HorizontalFlip(probability: 1), VerticalFlip(probability: 1)])
        var rng = SplitMix64(seed: 0)
        var out = image
        pipeline.apply(&out, rng: &rng)
        var rotated = image
        RandomAffine.warp(&rotated, degrees: 180, translation: (0, 0), scale: 1, shear: 0)
        XCTAssertEqual(out, rotated)
        XCTAssertEqual(pipeline.description, "hflip(p: 1) -> vflip(p: 1)")
        let full = AugmentationPipeline([
            RandomCrop(size: 28, padding: 2), HorizontalFlip(),
            RandomAffine(degrees: -15...15, translate: (0.1, 0.1)),
            RandomCrop(size: 40),
        ])
        XCTAssertTrue(
            full.description.hasPrefix(
                "random_crop(size: 28, padding: 2, fill: 0) -> hflip(p: 0.5) -> "
                    + "affine(degrees: -15...15, translate: (0.1, 0.1), scale: 1...1, shear: 0...0, fill: 0)"),
            full.description)
        XCTAssertThrowsError(try full.outputShape(for: (1, 28, 28))) { error in
            XCTAssertTrue("\(error)".contains("step 4"), "\(error)")
        }
        XCTAssertEqual(
            try AugmentationPipeline(Array(full.steps.prefix(3))).outputShape(for: (1, 28, 28)).width, 28)
    }

    func testDescriptionsNameEveryParameter() {
        let steps: [(any Augmentation, String)] = [
            (
                RandomCrop(height: 24, width: 20, padding: 1, fill: 0.5),
                "random_crop(size: 24x20, padding: 1, fill: 0.5)"
            ),
            (VerticalFlip(probability: 0.25), "vflip(p: 0.25)"),
            (ElasticDistortion(alpha: 34, sigma: 4), "elastic(alpha: 34, sigma: 4, fill: 0)"),
            (GaussianNoise(std: 0.05), "noise(std: 0.05)"),
            (RandomErasing(), "erase(p: 0.5, area: 0.02...0.33, aspect: 0.3...3.3, value: 0)"),
            (
                BrightnessContrast(brightness: 0.8...1.2, contrast: 0.5...1.5),
                "color(brightness: 0.8...1.2, contrast: 0.5...1.5)"
            ),
        ]
        for (step, expected) in steps { XCTAssertEqual(step.description, expected) }
        XCTAssertEqual(AugmentationPipeline([]).description, "none")
    }

    func testBilinearSamplerInteriorBorderAndOutside() {
        // 2×3 channel 0: row 0 = 0 1 2, row 1 = 3 4 5 (channel 1 adds 6); fill 10.
        let image = Image(channels: 2, height: 2, width: 3, pixels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
        let sampler = BilinearSampler(image, fill: 10)
        func at(_ x: Float, _ y: Float) -> Float { sampler.sample(channel: 0, x: x, y: y) }
        XCTAssertEqual(at(1, 1), 4)
        XCTAssertEqual(at(2, 1), 5, "last row and column exact")
        XCTAssertEqual(at(0.5, 0.5), 2, accuracy: 1e-6)  // (0 + 1 + 3 + 4) / 4
        XCTAssertEqual(at(1.25, 0), 1.25, accuracy: 1e-6)
        XCTAssertEqual(at(-0.5, 0), 5, accuracy: 1e-6)  // (10 + 0) / 2
        XCTAssertEqual(at(2.5, 1), 7.5, accuracy: 1e-6)  // (5 + 10) / 2
        XCTAssertEqual(at(1, -0.25), 3.25, accuracy: 1e-6)  // 0.25·10 + 0.75·1
        XCTAssertEqual(at(-1, 0), 10)
        XCTAssertEqual(at(0, 7), 10)
        XCTAssertEqual(at(.nan, 0), 10)
        XCTAssertEqual(at(-1e-9, 0), 0, accuracy: 1e-6)
        XCTAssertEqual(at(2.999_999, 1.999_999), 10, accuracy: 1e-4, "just inside the far corner: all fill")
        XCTAssertEqual(sampler.sample(channel: 1, x: 0.5, y: 0), 6.5, accuracy: 1e-6)
    }
}
