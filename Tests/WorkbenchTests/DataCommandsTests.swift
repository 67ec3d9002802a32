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
        XCTAssertFalse(export.err.contains("warning"), export.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), ["0", "1", "2"])

        let bad = try BuiltBinary.run(["data", "inspect", dir.appendingPathComponent("nope.idx").path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.contains("nope.idx"), bad.err)
        let misuse = try BuiltBinary.run(["data", "inspect", images, "--index", "2"])
        XCTAssertEqual(misuse.status, 64)
    }

    /// Two exports started together into one new folder: exactly one writes it, the other is refused
    /// (by the first one's marker, or by its files), and the folder holds one dataset.
    func testConcurrentExportsIntoOneFolderAreNeverMerged() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TinyExperiment(in: dir, trainCount: 3000, testCount: 2000, size: 28)
        // Five rounds, so that the two processes' checks and writes surely overlap in one of them.
        for round in 0..<5 {
            let out = dir.appendingPathComponent("out\(round)").path
            let runs = ["train", "test"].map { set in
                try! BuiltBinary.start([
                    "data", "export-png", dir.appendingPathComponent("\(set)-images.idx").path,
                    dir.appendingPathComponent("\(set)-labels.idx").path, out,
                ])
            }
            let results = runs.map { BuiltBinary.finish($0.0, $0.1, $0.2) }
            XCTAssertEqual(
                results.map(\.status).sorted(), [0, 1], results.map(\.err).joined(separator: "\n"))
            guard let winner = results.firstIndex(where: { $0.status == 0 }) else { continue }
            let loser = results[1 - winner]
            XCTAssertTrue(
                loser.err.contains(
                    "\(out)/.workbench-export-in-progress: exists: another export into this folder")
                    || loser.err.contains("\(out): is not empty"), loser.err)
            let pngs = try FileManager.default.subpathsOfDirectory(atPath: out).filter { $0.hasSuffix(".png") }
            XCTAssertEqual(pngs.count, winner == 0 ? 3000 : 2000)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/.workbench-export-in-progress"))
        }
    }

    /// A file or a dangling symbolic link where the output folder (or one above it) should go is named.
    func testExportNamesAFileOrDanglingLinkInTheWay() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TinyExperiment(in: dir, trainCount: 6, testCount: 3, size: 4)
        let images = dir.appendingPathComponent("train-images.idx").path
        let labels = dir.appendingPathComponent("train-labels.idx").path
        let file = dir.appendingPathComponent("plain").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        for target in [file + "/", file + "/b/c"] {
            let result = try BuiltBinary.run(["data", "export-png", images, labels, target])
            XCTAssertEqual(result.status, 1, result.err)
            XCTAssertTrue(
                result.err.contains(
                    "\(file): is a file in the way; expected a folder or nothing there, to create the output"
                        + " folder \(target)"), result.err)
        }
        let link = dir.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir.path + "/gone")
        let dangling = try BuiltBinary.run(["data", "export-png", images, labels, link])
        XCTAssertEqual(dangling.status, 1, dangling.err)
        XCTAssertTrue(
            dangling.err.contains(
                "\(link): is a dangling symbolic link (to '\(dir.path)/gone', which does not exist)"),
            dangling.err)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "x")
    }

    /// Float images outside [0, 1] are clamped in the PNGs, with a warning counting the values.
    func testExportWarnsAboutClampedValues() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // IDX float32 [2, 1, 2]: -0.5 and 2 are outside [0, 1].
        var images: [UInt8] = [0, 0, 0x0D, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]
        for value: Float in [-0.5, 0.5, 2, 1] {
            withUnsafeBytes(of: value.bitPattern.bigEndian) { images += $0 }
        }
        let labels: [UInt8] = [0, 0, 0x08, 1, 0, 0, 0, 2, 0, 1]
        let imagesURL = dir.appendingPathComponent("f-images.idx")
        let labelsURL = dir.appendingPathComponent("f-labels.idx")
        try Data(images).write(to: imagesURL)
        try Data(labels).write(to: labelsURL)
        let result = try BuiltBinary.run([
            "data", "export-png", imagesURL.path, labelsURL.path, dir.appendingPathComponent("out").path,
        ])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(
            result.err.contains("warning: \(imagesURL.path): 2 values outside [0, 1] clamped to it in the PNGs"),
            result.err)
        XCTAssertTrue(result.out.contains("wrote 2 images"), result.out)
    }
}
