import WorkbenchRandom
import XCTest

@testable import WorkbenchModel

final class InitializerTests: XCTestCase {
    private func sampleStatistics(_ tensor: Tensor) -> (mean: Double, variance: Double) {
        let n = Double(tensor.count)
        let mean = tensor.storage.reduce(0.0) { $0 + Double($1) } / n
        let variance = tensor.storage.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)
        return (mean, variance)
    }

    /// (name, fanIn, fanOut, expected variance computed by hand from the documented formula)
    private let cases: [(String, Int, Int, Double)] = [
        ("lecun_uniform", 25, 6, 1.0 / 25), ("lecun_normal", 25, 6, 1.0 / 25),
        ("xavier_uniform", 150, 50, 2.0 / 200), ("xavier_normal", 150, 50, 2.0 / 200),
        ("he_uniform", 400, 120, 2.0 / 400), ("he_normal", 400, 120, 2.0 / 400),
    ]

    func testSampleVarianceMatchesFormula() {
        for (name, fanIn, fanOut, expected) in cases {
            let initializer = try! XCTUnwrap(WeightInitializers.named(name))
            var tensor = Tensor(zeros: [20_000])
            var rng = SplitMix64(seed: 7)
            initializer.fill(&tensor, fanIn: fanIn, fanOut: fanOut, rng: &rng)
            let (mean, variance) = sampleStatistics(tensor)
            // 20 000 draws: the variance estimate has a relative standard error of about 1–1.5 %.
            XCTAssertEqual(variance / expected, 1.0, accuracy: 0.05, "\(name): variance \(variance)")
            XCTAssertEqual(mean, 0.0, accuracy: 4 * (expected / 20_000).squareRoot(), "\(name): mean")
            if name.hasSuffix("uniform") {
                let limit = Float((3 * expected).squareRoot())
                XCTAssertLessThanOrEqual(tensor.storage.map(abs).max()!, limit, name)
                XCTAssertGreaterThan(tensor.storage.map(abs).max()!, 0.99 * limit, name)
            } else {
                // A normal sample of 20 000 has draws beyond 3 standard deviations.
                XCTAssertGreaterThan(tensor.storage.map(abs).max()!, Float(3 * expected.squareRoot()), name)
            }
        }
    }

    func testSameSeedSameValuesOtherSeedOtherValues() {
        for name in WeightInitializers.names {
            let initializer = WeightInitializers.named(name)!
            var a = Tensor(zeros: [6, 1, 5, 5])
            var b = a
            var c = a
            var rngA = SplitMix64(seed: 42)
            var rngB = SplitMix64(seed: 42)
            var rngC = SplitMix64(seed: 43)
            initializer.fill(&a, fanIn: 25, fanOut: 150, rng: &rngA)
            initializer.fill(&b, fanIn: 25, fanOut: 150, rng: &rngB)
            initializer.fill(&c, fanIn: 25, fanOut: 150, rng: &rngC)
            XCTAssertEqual(a, b, name)
            if name != "zeros" { XCTAssertNotEqual(a, c, name) }
        }
    }

    func testConstantAndZerosDrawNothing() {
        var tensor = Tensor(shape: [3], repeating: 5)
        var rng = SplitMix64(seed: 1)
        ConstantInitializer.zeros.fill(&tensor, fanIn: 1, fanOut: 1, rng: &rng)
        XCTAssertEqual(tensor.storage, [0, 0, 0])
        ConstantInitializer.constant(0.25).fill(&tensor, fanIn: 1, fanOut: 1, rng: &rng)
        XCTAssertEqual(tensor.storage, [0.25, 0.25, 0.25])
        XCTAssertEqual(rng, SplitMix64(seed: 1))
    }

    func testTableNamesAndUnknownName() {
        XCTAssertEqual(
            WeightInitializers.names,
            [
                "lecun_uniform", "lecun_normal", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
                "zeros",
            ])
        XCTAssertNil(WeightInitializers.named("glorot_sideways"))
        XCTAssertEqual(
            WeightInitializers.named("he_normal") as? VarianceScalingInitializer,
            VarianceScalingInitializer(rule: .he, distribution: .normal))
    }
}
