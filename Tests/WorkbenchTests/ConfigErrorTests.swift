import Foundation
import XCTest

/// Every config error gives its message, exits 1 and creates no run folder.
final class ConfigErrorTests: XCTestCase {
    func testConfigErrorsStartNothing() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = try TinyExperiment(in: dir)
        let cases: [(yaml: String, arguments: [String], message: String)] = [
            ("name: [unclosed\n", [], "exp.yaml:"),
            (TinyExperiment.basic.replacingOccurrences(of: "lr: 0.1", with: "lr: -1"), [], "optimizer.lr"),
            (
                TinyExperiment.basic.replacingOccurrences(of: "momentum:", with: "momentom:"), [],
                "did you mean 'momentum'?"
            ),
            (
                TinyExperiment.basic.replacingOccurrences(of: "train-labels.idx", with: "missing.idx"), [],
                "missing.idx"
            ),
            (TinyExperiment.basic, ["--set", "training.epochs=0"], "training.epochs"),
            (TinyExperiment.basic, ["--set", "optimzer.lr=0.1"], "did you mean 'optimizer'?"),
            // Shapes that do not fit the data, found by building the network before any folder exists.
            (TinyExperiment.basic, ["--set", "model.1.dense.units=2"], "model[1].dense"),
            (
                TinyExperiment.basic.replacingOccurrences(
                    of: "  - flatten\n", with: "  - subsample: {size: 8}\n"), [],
                "model[0].subsample"
            ),
        ]
        for (index, c) in cases.enumerated() {
            let file = try tiny.write(c.yaml, name: "exp.yaml")
            let result = try BuiltBinary.run(["run", file] + c.arguments)
            XCTAssertEqual(result.status, 1, "case \(index): \(result.err)")
            XCTAssertTrue(
                result.err.contains(c.message), "case \(index): expected '\(c.message)' in:\n\(result.err)")
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: tiny.store.path),
                "case \(index) created \(tiny.store.path)")
        }
        let missing = try BuiltBinary.run(["run", dir.appendingPathComponent("nope.yaml").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("nope.yaml"), missing.err)
        let badSeed = try BuiltBinary.run(["run", tiny.file.path, "--seed", "-3"])
        XCTAssertEqual(badSeed.status, 64)
        XCTAssertTrue(badSeed.err.contains("option '--seed' expects an integer ≥ 0, found '-3'"), badSeed.err)
    }
}
