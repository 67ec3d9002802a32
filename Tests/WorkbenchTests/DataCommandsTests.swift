import Foundation
import XCTest

/// `data inspect` and `data export-png` through the built binary on generated IDX files.
final class DataCommandsTests: XCTestCase {
    func testInspectValuesGridAndExport() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TinyExperiment(in: dir, trainCount: 6, testCount: 3, size: 4)
        let images = dir.appendingPathComponent("train-images.idx").path
        let labels = dir.appendingPathComponent("train-labels.idx").path

        let report = try BuiltBinary.run(["data", "inspect", images])
        XCTAssertEqual(report.status, 0, report.err)
        XCTAssertTrue(report.out.contains("6"), report.out)

        // Sample 1 is class 1: row band y·3/4 == 1 (row 2 of 4) is bright (200 + noise), others dark (30 + noise < 62).
        let values = try BuiltBinary.run(["data", "inspect", images, "--values", "--index=1"])
        XCTAssertEqual(values.status, 0, values.err)
        let rows = values.out.split(separator: "\n").map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(rows.count, 4)
        XCTAssertTrue([0, 1, 3].allSatisfy { y in rows[y].allSatisfy { $0 < 62.0 / 255 } }, "\(rows)")
        XCTAssertTrue(rows[2].allSatisfy { $0 >= 200.0 / 255 }, "\(rows)")

        let grid = dir.appendingPathComponent("grid.png").path
        let drawn = try BuiltBinary.run(["data", "inspect", images, "--grid", grid, "--count", "4"])
        XCTAssertEqual(drawn.status, 0, drawn.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: grid))

        let out = dir.appendingPathComponent("folder").path
        let export = try BuiltBinary.run(["data", "export-png", images, labels, out])
        XCTAssertEqual(export.status, 0, export.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), ["0", "1", "2"])

        let bad = try BuiltBinary.run(["data", "inspect", dir.appendingPathComponent("nope.idx").path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.contains("nope.idx"), bad.err)
        let misuse = try BuiltBinary.run(["data", "inspect", images, "--index", "2"])
        XCTAssertEqual(misuse.status, 64)
    }
}
