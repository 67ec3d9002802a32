import XCTest
@testable import WorkbenchRandom

final class SplitMix64Tests: XCTestCase {
    /// Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    func testMatchesReferenceSequence() {
        var rng = SplitMix64(seed: 0)
        XCTAssertEqual(rng.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(rng.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(rng.next(), 0x06C4_5D18_8009_454F)
    }

    func testDerivedStreamsAreIndependentOfConsumption() {
        var root = SplitMix64(seed: 42)
        let a = root.derived(RandomStream.augmentation.rawValue, 3, 17)
        let b = SplitMix64(seed: 42).derived(RandomStream.augmentation.rawValue, 3, 17)
        XCTAssertEqual(a, b)
        _ = root.next()
        XCTAssertNotEqual(root.derived(1), SplitMix64(seed: 42).derived(1))
        XCTAssertNotEqual(SplitMix64(seed: 42).derived(1, 2), SplitMix64(seed: 42).derived(2, 1))
    }

    func testUniformAndGaussianMoments() {
        var rng = SplitMix64(seed: 7)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0, usum = 0.0
        for _ in 0..<n {
            let g = rng.nextGaussian()
            sum += g
            sumSq += g * g
            let u = rng.nextFloat()
            XCTAssert(u >= 0 && u < 1)
            usum += Double(u)
        }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(sumSq / Double(n), 1, accuracy: 0.02)
        XCTAssertEqual(usum / Double(n), 0.5, accuracy: 0.005)
    }
}
