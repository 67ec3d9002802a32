import Foundation
import XCTest

@testable import WorkbenchData

/// Float IDX files holding NaN, ±infinity or values near (or, for float64, beyond) float32's range:
/// `inspect` counts them and says what its statistics cover; `IDXDataset` refuses them at open time.
final class NonFiniteValueTests: XCTestCase {
    func testInspectCountsInfinitiesInsteadOfTrapping() throws {
        let tmp = TemporaryFolder()
        // The trial's repro: 4 images of 2×2, every value +inf.
        try IDXArray(dimensions: [4, 2, 2], values: [Float](repeating: .infinity, count: 16)).write(
            to: tmp.file("inf"))
        let report = try DataInspector.inspect(path: tmp.file("inf"))
        XCTAssertEqual(report.nonFinite, .init(positiveInfinity: 16))
        XCTAssertEqual(report.finiteCount, 0)
        XCTAssertEqual([report.minimum, report.maximum, report.mean, report.std], [0, 0, 0, 0])
        XCTAssertTrue(report.text.contains("value range:  none (no finite values)\n"), report.text)
        XCTAssertTrue(report.text.contains("mean:         none\n"), report.text)
        XCTAssertTrue(
            report.text.contains("non-finite:   16 of 16 values (0 NaN, 16 +inf, 0 -inf)"), report.text)
    }

    /// A file with no values at all has no range, mean or std either (it printed "0 … 0", mean 0).
    func testInspectOfAnEmptyLabelFileSaysThereAreNoValues() throws {
        let tmp = TemporaryFolder()
        try IDXArray(dimensions: [0], values: [UInt8]()).write(to: tmp.file("empty-labels"))
        let report = try DataInspector.inspect(path: tmp.file("empty-labels"))
        XCTAssertEqual(report.count, 0)
        XCTAssertTrue(report.text.contains("value range:  none (no values)\n"), report.text)
        XCTAssertTrue(report.text.contains("std:          none\n"), report.text)
        XCTAssertFalse(report.text.contains("non-finite"), report.text)
    }

    func testInspectLeavesOneNaNOutOfTheStatisticsAndSaysSo() throws {
        let tmp = TemporaryFolder()
        var values = [Float](repeating: 0.5, count: 16)
        values[3] = .nan
        values[7] = -.infinity
        values[8] = 0.25
        try IDXArray(dimensions: [4, 2, 2], values: values).write(to: tmp.file("nan"))
        let report = try DataInspector.inspect(path: tmp.file("nan"))
        XCTAssertEqual(report.nonFinite, .init(nan: 1, negativeInfinity: 1))
        XCTAssertEqual(report.finiteCount, 14)
        XCTAssertEqual(report.minimum, 0.25)
        XCTAssertEqual(report.maximum, 0.5)
        // 13 × 0.5 + 0.25 over 14 values.
        XCTAssertEqual(report.mean, (13 * 0.5 + 0.25) / 14, accuracy: 1e-12)
        XCTAssertFalse(report.std.isNaN)
        XCTAssertTrue(report.text.contains("value range:  0.25 … 0.5\n"), report.text)
        XCTAssertTrue(
            report.text.contains(
                "non-finite:   2 of 16 values (1 NaN, 0 +inf, 1 -inf); value range, "
                    + "mean and std cover the 14 finite values"), report.text)
    }

    func testInspectPrintsHugeValuesWithoutTrapping() throws {
        let tmp = TemporaryFolder()
        try IDXArray(dimensions: [1, 1, 2], values: [Float(3e38), -3e38]).write(to: tmp.file("big"))
        let report = try DataInspector.inspect(path: tmp.file("big"))
        XCTAssertEqual(report.maximum, Double(Float(3e38)))
        XCTAssertEqual(report.nonFinite.total, 0)
        XCTAssertTrue(
            report.text.contains("value range:  -3.0000000054977558e+38 … 3.0000000054977558e+38\n"),
            report.text)
        XCTAssertFalse(report.text.contains("non-finite"), report.text)
    }

    func testInspectAllNaNFloat64AndFloat64BeyondFloat32Range() throws {
        let tmp = TemporaryFolder()
        try IDXArray(dimensions: [2, 1, 2], values: [Double](repeating: .nan, count: 4)).write(
            to: tmp.file("f64"))
        let nan = try DataInspector.inspect(path: tmp.file("f64"))
        XCTAssertEqual(nan.nonFinite, .init(nan: 4))
        XCTAssertTrue(nan.text.contains("value range:  none (no finite values)"), nan.text)

        // The network sees float64 rounded to float32: 1e300 is +inf to it, and is counted as such.
        try IDXArray(dimensions: [1, 1, 2], values: [1e300, 0.5]).write(to: tmp.file("wide"))
        let wide = try DataInspector.inspect(path: tmp.file("wide"))
        XCTAssertEqual(wide.nonFinite, .init(positiveInfinity: 1))
        XCTAssertEqual(wide.maximum, 0.5)
    }

    func testDatasetRefusesNonFiniteFloatImagesNamingImageAndPixel() throws {
        let tmp = TemporaryFolder()
        try IDXArray(dimensions: [2], values: [UInt8(0), 1]).write(to: tmp.file("labels"))
        var values = [Float](repeating: 0.5, count: 2 * 2 * 3)
        values[6 + 4] = .nan  // image 1, row 1, column 1
        values[6 + 5] = .infinity
        try IDXArray(dimensions: [2, 2, 3], values: values).write(to: tmp.file("nan"))
        assertDataError([
            tmp.file("nan"), "image 1 (row 1, column 1) holds nan", "expected finite float32 values",
            "found 2 NaN or infinite values among 12",
        ]) {
            _ = try IDXDataset(imagesPath: tmp.file("nan"), labelsPath: tmp.file("labels"))
        }

        var wide = [Double](repeating: 0, count: 2 * 2 * 1 * 2)
        wide[3] = -1e39  // image 0, channel 1, row 0, column 1 of [2, 2, 1, 2]
        try IDXArray(dimensions: [2, 2, 1, 2], values: wide).write(to: tmp.file("wide"))
        assertDataError([
            tmp.file("wide"), "image 0 (channel 1, row 0, column 1) holds -1e+39, beyond float32's range",
            "found 1 NaN or infinite value among 8",
        ]) {
            _ = try IDXDataset(imagesPath: tmp.file("wide"), labelsPath: tmp.file("labels"))
        }

        // Large but finite float32 values are data and load.
        try IDXArray(dimensions: [2, 1, 1], values: [Float(3e38), -3e38]).write(to: tmp.file("big"))
        let big = try IDXDataset(imagesPath: tmp.file("big"), labelsPath: tmp.file("labels"))
        XCTAssertEqual(try big.sample(at: 1).image.pixels, [-3e38])
    }
}
