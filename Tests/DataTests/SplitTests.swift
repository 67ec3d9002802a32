import WorkbenchRandom
import XCTest

@testable import WorkbenchData

final class SplitTests: XCTestCase {
    func testArrayDatasetAndSubset() throws {
        let data = StreamFixtures.dataset(count: 12)
        XCTAssertEqual(data.count, 12)
        XCTAssertEqual(data.classNames.count, 10)
        let subset = Subset(data, indices: [11, 3, 3])
        XCTAssertEqual(subset.count, 3)
        XCTAssertEqual(try subset.sample(at: 0), try data.sample(at: 11))
        XCTAssertEqual(try subset.sample(at: 2).label, 3)
        XCTAssertEqual(subset.baseIndex(1), 3)
        let inferred = ArrayDataset(samples: [
            Sample(image: Image(channels: 1, height: 1, width: 1), label: 2)
        ])
        XCTAssertEqual(inferred.classNames, ["0", "1", "2"])
    }

    func testRelabelledDatasetRenumbersLabelsAndKeepsImages() throws {
        let data = StreamFixtures.dataset(count: 4)  // labels i % 10: 0, 1, 2, 3
        var map = [Int?](repeating: nil, count: 10)
        (map[0], map[1], map[2], map[3]) = (3, 0, 2, 1)
        let relabelled = RelabelledDataset(data, labelMap: map, classNames: ["w", "x", "y", "z"])
        XCTAssertEqual(relabelled.count, 4)
        XCTAssertEqual(relabelled.classNames, ["w", "x", "y", "z"])
        XCTAssertEqual(try (0 ..< 4).map { try relabelled.sample(at: $0).label }, [3, 0, 2, 1])
        XCTAssertEqual(try relabelled.sample(at: 2).image, try data.sample(at: 2).image)
    }

    func testTrainValidationSplitIsSeededDisjointAndComplete() {
        let data = StreamFixtures.dataset(count: 100)
        let split = TrainValidationSplit(data, validationFraction: 0.1, rng: SplitMix64(seed: 42))
        XCTAssertEqual(split.validation.count, 10)
        XCTAssertEqual(split.train.count, 90)
        XCTAssertEqual(Set(split.train.indices).intersection(split.validation.indices), [])
        XCTAssertEqual((split.train.indices + split.validation.indices).sorted(), Array(0..<100))
        let again = TrainValidationSplit(data, validationFraction: 0.1, rng: SplitMix64(seed: 42))
        XCTAssertEqual(again.validation.indices, split.validation.indices)
        let other = TrainValidationSplit(data, validationFraction: 0.1, rng: SplitMix64(seed: 43))
        XCTAssertNotEqual(other.validation.indices, split.validation.indices)
        XCTAssertNotEqual(
            split.validation.indices, Array(0..<10), "validation is drawn, not the first samples")
        XCTAssertEqual(
            TrainValidationSplit(data, validationFraction: 0, rng: SplitMix64(seed: 1)).train.count, 100)
    }
}
