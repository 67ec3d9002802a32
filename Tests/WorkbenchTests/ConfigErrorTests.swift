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
        XCTAssertTrue(
            badSeed.err.contains(
                "option '--seed' expects an integer in [0, 9223372036854775807] (2^63 − 1), found '-3'"),
            badSeed.err)
        // One past the largest seed is the same usage error (it was blamed on --set seed=…, exit 1).
        let bigSeed = try BuiltBinary.run(["run", tiny.file.path, "--seed", "9223372036854775808"])
        XCTAssertEqual(bigSeed.status, 64, bigSeed.err)
        XCTAssertTrue(bigSeed.err.contains("option '--seed' expects an integer in [0, "), bigSeed.err)
        XCTAssertFalse(bigSeed.err.contains("--set seed"), bigSeed.err)
    }

    /// The values a trial run found to trap (exit 132, one mid-run leaving a stale run), allocate
    /// 12 GB, or overflow the stack (exit 139): each is now a config error, exit 1, and no run folder.
    func testValuesThatTrappedOrCrashedAreConfigErrors() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = try TinyExperiment(in: dir)
        let file = try tiny.write(TinyExperiment.basic)
        let f32 = "as a 32-bit float, the precision training uses)"
        let cases: [(set: String, message: String)] = [
            ("data.normalize={mean: 0.5, std: 1e-300}", "data.normalize.std: expected a number ≥ 1e-07"),
            (
                "optimizer.clip_norm=1e-300",
                "optimizer.clip_norm: expected a number > 0, found 1e-300 (0.0 \(f32)"
            ),
            ("schedule={name: onecycle, max_lr: 0.1, pct_start: 0.9999999999999999}", "schedule.pct_start"),
            ("schedule={name: onecycle, max_lr: 0.1, pct_start: 1e-300}", "schedule.pct_start"),
            ("optimizer={name: adam, betas: [0.99999999999, 0.9]}", "optimizer.betas"),
            ("optimizer={name: rmsprop, alpha: 0.99999999999}", "optimizer.alpha"),
            ("augment=[{affine: {shear: 89.99999999999}}]", "augment[0].affine.shear"),
            ("augment=[{affine: {scale: [1e-300, 1e-300]}}]", "augment[0].affine.scale"),
            ("augment=[{erase: {area: [1e-300, 1e-300]}}]", "augment[0].erase.area"),
            ("augment=[{erase: {aspect: [1e-300, 1e300]}}]", "augment[0].erase.aspect"),
            (
                "augment=[{elastic: {sigma: 1e19}}]",
                "augment[0].elastic.sigma: expected a number in (0, 1024]"
            ),
            ("augment=[{elastic: {sigma: 1e9}}]", "augment[0].elastic.sigma: expected a number in (0, 1024]"),
            ("optimizer.lr=1e-320", "optimizer.lr: expected a number > 0, found 1e-320 (0.0 \(f32)"),
            (
                "seed=" + String(repeating: "[", count: 40_000) + String(repeating: "]", count: 40_000),
                "--set seed=" + String(repeating: "[", count: 119 - 5) + "…: seed"
                    + String(repeating: "[0]", count: 63)
                    + ": expected lists and mappings nested at most 64 deep"
            ),
        ]
        for c in cases {
            let result = try BuiltBinary.run(["run", file, "--set", c.set])
            XCTAssertEqual(result.status, 1, "\(c.set.prefix(80)): \(result.err.prefix(300))")
            XCTAssertTrue(result.err.contains(c.message), "\(c.set.prefix(80)): \(result.err.prefix(300))")
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: tiny.store.path), "\(c.set.prefix(80)) created a run")
        }
        // A 40,000-deep file, through run and gradcheck: the error names its line and column.
        let deep = try tiny.write(
            "name: x\nseed: " + String(repeating: "[", count: 40_000) + String(repeating: "]", count: 40_000)
                + "\n",
            name: "deep.yaml")
        for command in ["run", "gradcheck"] {
            let result = try BuiltBinary.run([command, deep])
            XCTAssertEqual(result.status, 1, "\(command): \(result.err.prefix(300))")
            XCTAssertTrue(
                result.err.hasPrefix("error: \(deep):2:70: seed[0]"), "\(command): \(result.err.prefix(300))")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tiny.store.path))
    }
}
