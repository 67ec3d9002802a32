import Foundation
import XCTest

/// gradcheck and predict through the built binary.
final class ModelCommandsTests: XCTestCase {
    func testGradcheckPrintsEachLayer() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = try TinyExperiment(in: dir)
        // Normalised input, as real configs use: on raw [0, 1] pixels the conv bias gradient (a sum of
        // same-signed terms that nearly cancel) is small enough for float32 differencing noise to show.
        let file = try tiny.write(
            RunLifecycleTests.long.replacingOccurrences(of: "  - dropout: {p: 0.2}\n", with: "")
                .replacingOccurrences(
                    of: "  validation: 0.25\n", with: "  normalize: {mean: 0.5, std: 0.3}\n"))
        let result = try BuiltBinary.run(["gradcheck", file, "--count", "3", "--tolerance", "0.05"])
        XCTAssertEqual(result.status, 0, result.out + result.err)
        XCTAssertTrue(result.out.hasPrefix("gradient check on 3 samples"), result.out)
        XCTAssertTrue(result.out.contains("checked  skipped"), result.out)
        for layer in ["0   conv 3×3", "1   relu", "2   flatten", "3   dense"] {
            XCTAssertTrue(result.out.contains(layer), "no '\(layer)' in\n\(result.out)")
        }
        XCTAssertTrue(result.out.contains(": ok"), result.out)
        let bad = try BuiltBinary.run(["gradcheck", file, "--tolerance", "0"])
        XCTAssertEqual(bad.status, 64)
        for tolerance in ["inf", "nan", "-1"] {
            let refused = try BuiltBinary.run(["gradcheck", file, "--tolerance", tolerance])
            XCTAssertEqual(refused.status, 64, tolerance + refused.err)
            XCTAssertTrue(
                refused.err.contains(
                    "option '--tolerance' expects a finite number > 0, found '\(tolerance)'"),
                refused.err)
        }
    }

    func testPredictClassifiesExportedImages() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = try TinyExperiment(in: dir)
        let file = try tiny.write(
            TinyExperiment.basic.replacingOccurrences(of: "epochs: 2", with: "epochs: 4"))
        let run = try BuiltBinary.run(["run", file])
        XCTAssertEqual(run.status, 0, run.err)
        let id = run.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let pngs = dir.appendingPathComponent("pngs")
        let export = try BuiltBinary.run([
            "data", "export-png", dir.appendingPathComponent("test-images.idx").path,
            dir.appendingPathComponent("test-labels.idx").path, pngs.path,
        ])
        XCTAssertEqual(export.status, 0, export.err)
        var images: [(path: String, label: String)] = []
        for label in ["0", "1", "2"] {
            for name in try FileManager.default.contentsOfDirectory(
                atPath: pngs.appendingPathComponent(label).path
            ).sorted() {
                images.append((pngs.appendingPathComponent(label).appendingPathComponent(name).path, label))
            }
        }
        let result = try BuiltBinary.run(["predict", id, "--store", tiny.store.path] + images.map(\.path))
        XCTAssertEqual(result.status, 0, result.err)
        let rows = result.out.split(separator: "\n").map { $0.components(separatedBy: ",") }
        XCTAssertEqual(rows[0], ["image", "predicted", "0", "1", "2"])
        XCTAssertEqual(rows.count, images.count + 1)
        for (row, image) in zip(rows.dropFirst(), images) {
            XCTAssertEqual(row[0], image.path)
            XCTAssertEqual(row[1], image.label, "misclassified \(row)")
            let sum = row[2...].map { Double($0)! }.reduce(0, +)
            XCTAssertEqual(sum, 1, accuracy: 1e-5)
        }
        let missing = try BuiltBinary.run([
            "predict", id, "--store", tiny.store.path, dir.appendingPathComponent("no.png").path,
        ])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("no.png"), missing.err)
    }
}
