import WorkbenchRandom
import XCTest

@testable import WorkbenchData

final class PhotometricAugmentationTests: XCTestCase {
    private func meanAndStd(_ values: [Float]) -> (Double, Double) {
        let n = Double(values.count)
        let mean = values.reduce(0.0) { $0 + Double($1) } / n
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return (mean, variance.squareRoot())
    }

    func testGaussianNoiseStatistics() {
        var rng = SplitMix64(seed: 21)
        var image = Image(channels: 1, height: 64, width: 64, fill: 0.5)
        GaussianNoise(std: 0.1).apply(&image, rng: &rng)
        let (mean, std) = meanAndStd(image.pixels)
        // 4096 draws: standard error of the mean 0.0016, of the std about 0.0011.
        XCTAssertEqual(mean, 0.5, accuracy: 0.008)
        XCTAssertEqual(std, 0.1, accuracy: 0.006)
        // At 0 the clamp keeps max(0, N(0, 0.1)): mean 0.1 / sqrt(2π) = 0.0399, half of them 0.
        var black = Image(channels: 1, height: 64, width: 64, fill: 0)
        GaussianNoise(std: 0.1).apply(&black, rng: &rng)
        XCTAssertTrue(black.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertEqual(meanAndStd(black.pixels).0, 0.0399, accuracy: 0.004)
        XCTAssertEqual(Double(black.pixels.filter { $0 == 0 }.count) / 4096, 0.5, accuracy: 0.04)
    }

    func testRandomErasingAreaAndAspectWithinRange() {
        var rng = SplitMix64(seed: 8)
        let erasing = RandomErasing(probability: 1, area: 0.02...0.33, aspect: 0.3...3.3, fill: 0)
        let size = 64
        var erasedCount = 0
        for _ in 0..<300 {
            var image = Image(channels: 2, height: size, width: size, fill: 1)
            erasing.apply(&image, rng: &rng)
            var rows = Set<Int>()
            var cols = Set<Int>()
            var zeros = 0
            for y in 0..<size {
                for x in 0..<size where image[0, y, x] == 0 {
                    rows.insert(y)
                    cols.insert(x)
                    zeros += 1
                    XCTAssertEqual(image[1, y, x], 0, "all channels erased")
                }
            }
            guard zeros > 0 else { continue }
            erasedCount += 1
            XCTAssertEqual(zeros, rows.count * cols.count, "erased region is a rectangle")
            XCTAssertEqual(rows.max()! - rows.min()! + 1, rows.count)
            XCTAssertEqual(cols.max()! - cols.min()! + 1, cols.count)
            // Rounding each side to whole pixels moves the area by at most ~15% at the small end.
            let fraction = Double(zeros) / Double(size * size)
            XCTAssertGreaterThanOrEqual(fraction, 0.02 * 0.85)
            XCTAssertLessThanOrEqual(fraction, 0.33 * 1.15)
            let aspect = Double(rows.count) / Double(cols.count)
            XCTAssertGreaterThanOrEqual(aspect, 0.3 * 0.85)
            XCTAssertLessThanOrEqual(aspect, 3.3 * 1.15)
        }
        XCTAssertGreaterThan(erasedCount, 290, "a fitting rectangle is nearly always found")
        var untouched = Image(channels: 1, height: 8, width: 8, fill: 1)
        RandomErasing(probability: 0).apply(&untouched, rng: &rng)
        XCTAssertEqual(untouched, Image(channels: 1, height: 8, width: 8, fill: 1))
    }

    func testRandomErasingWithExtremeAspectLeavesTheImageAlone() {
        // Sides of ~1e20 pixels: converting them to Int trapped before they were compared.
        var rng = SplitMix64(seed: 5)
        let image = Image(channels: 1, height: 8, width: 8, fill: 0.5)
        var out = image
        RandomErasing(probability: 1, area: 0.5...0.5, aspect: 1e38...1e38).apply(&out, rng: &rng)
        XCTAssertEqual(out, image)
        RandomErasing(probability: 1, area: 0.25...0.25, aspect: 1...1, fill: 0).apply(&out, rng: &rng)
        XCTAssertEqual(out.pixels.filter { $0 == 0 }.count, 16)
    }

    func testBrightnessContrastHandComputed() {
        var image = Image(channels: 1, height: 2, width: 2, pixels: [0.2, 0.4, 0.6, 0.8])
        // Brightness 0.5: [0.1, 0.2, 0.3, 0.4]; mean 0.25; contrast 2: 2x − 0.25, clamped.
        BrightnessContrast.adjust(&image, brightness: 0.5, contrast: 2)
        for (a, b) in zip(image.pixels, [Float(0), 0.15, 0.35, 0.55]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        var bright = Image(channels: 1, height: 1, width: 4, pixels: [0.2, 0.4, 0.6, 0.8])
        BrightnessContrast.adjust(&bright, brightness: 2, contrast: 1)
        for (a, b) in zip(bright.pixels, [Float(0.4), 0.8, 1, 1]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // RGB contrast 0 gives the luma mean everywhere: 0.299·1 + 0.587·0 + 0.114·0.5 = 0.356.
        var rgb = Image(channels: 3, height: 1, width: 2, pixels: [1, 1, 0, 0, 0.5, 0.5])
        BrightnessContrast.adjust(&rgb, brightness: 1, contrast: 0)
        for v in rgb.pixels { XCTAssertEqual(v, 0.356, accuracy: 1e-6) }
        let same = Image(channels: 1, height: 1, width: 3, pixels: [0.1, 0.5, 0.9])
        var out = same
        var rng = SplitMix64(seed: 1)
        BrightnessContrast().apply(&out, rng: &rng)
        XCTAssertEqual(out, same)
    }

    func testNormalizationHandComputed() throws {
        let norm = Normalization(mean: [0.5, 0.1], std: [0.25, 0.1])
        var image = Image(channels: 2, height: 1, width: 2, pixels: [0.5, 1.0, 0.0, 0.2])
        norm.apply(&image)
        for (a, b) in zip(image.pixels, [Float(0), 2, -1, 1]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertThrowsError(try norm.check((3, 28, 28))) { error in
            XCTAssertTrue("\(error)".contains("2 channel(s)") && "\(error)".contains("found 3"), "\(error)")
        }
    }

    func testNormalizationEstimate() throws {
        // Channel 0 values {0, 1, 1, 0, 0.5, 0.5, 0.5, 0.5}: mean 0.5, variance (4·0.25)/8 = 0.125.
        let a = Image(channels: 1, height: 2, width: 2, pixels: [0, 1, 1, 0])
        let b = Image(channels: 1, height: 2, width: 2, pixels: [0.5, 0.5, 0.5, 0.5])
        let dataset = ArrayDataset(samples: [Sample(image: a, label: 0), Sample(image: b, label: 1)])
        let norm = try Normalization.estimate(from: dataset)
        XCTAssertEqual(norm.mean[0], 0.5, accuracy: 1e-7)
        XCTAssertEqual(norm.std[0], Float(0.125.squareRoot()), accuracy: 1e-7)
    }
}
