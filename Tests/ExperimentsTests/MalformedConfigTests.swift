import XCTest

@testable import WorkbenchExperiments

/// Malformed files of every shape are rejected with a ConfigError — never a crash or a silent default.
final class MalformedConfigTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    func testEveryMalformedSectionIsAnError() {
        let base = ConfigFixture.minimal
        let cases: [(String, String)] = [
            ("scalar root", "42\n"),
            ("data scalar", "name: x\ndata: 5\nmodel: [relu]\n"),
            ("data list", "name: x\ndata: [1]\nmodel: [relu]\n"),
            ("train scalar", "name: x\ndata: {train: idx}\nmodel: [relu]\n"),
            ("train no format", "name: x\ndata: {train: {path: data}}\nmodel: [relu]\n"),
            ("train bad format", "name: x\ndata: {train: {format: csv, path: data}}\nmodel: [relu]\n"),
            ("format not a string", "name: x\ndata: {train: {format: [idx]}}\nmodel: [relu]\n"),
            (
                "model mapping",
                base.replacingOccurrences(
                    of: "model:\n  - flatten\n  - dense: {units: 10}\n",
                    with: "model: {conv: {filters: 1, kernel: 1}}\n")
            ),
            (
                "model empty",
                base.replacingOccurrences(
                    of: "model:\n  - flatten\n  - dense: {units: 10}\n", with: "model: []\n")
            ),
            (
                "model null",
                base.replacingOccurrences(
                    of: "model:\n  - flatten\n  - dense: {units: 10}\n", with: "model:\n")
            ),
            ("layer params list", base + "augment: [{hflip: [0.5]}]\n"),
            ("augment string", base + "augment: hflip\n"),
            ("training list", base + "training: [1, 2]\n"),
            ("training scalar", base + "training: 5\n"),
            ("optimizer list", base + "optimizer: [sgd]\n"),
            ("optimizer name null", base + "optimizer: {name: }\n"),
            ("bad momentum with nesterov", base + "optimizer: {name: sgd, momentum: fast, nesterov: true}\n"),
            ("bad milestones", base + "schedule: {name: multistep, milestones: [a, 2]}\n"),
            ("missing step every", base + "schedule: step\n"),
            (
                "bad subsample size",
                base.replacingOccurrences(
                    of: "  - flatten\n", with: "  - subsample: {size: 0}\n  - flatten\n")
            ),
            (
                "table not a table",
                base.replacingOccurrences(
                    of: "  - flatten\n", with: "  - conv: {filters: 1, kernel: 1, table: 3}\n  - flatten\n")
            ),
            (
                "table bad row",
                base.replacingOccurrences(
                    of: "  - flatten\n",
                    with: "  - conv: {filters: 1, kernel: 1, table: [[-1]]}\n  - flatten\n")
            ),
            (
                "normalize scalar",
                base.replacingOccurrences(
                    of: "labels: data/train-labels.gz}\n",
                    with: "labels: data/train-labels.gz}\n  normalize: 0.5\n")
            ),
            (
                "normalize missing std",
                base.replacingOccurrences(
                    of: "labels: data/train-labels.gz}\n",
                    with: "labels: data/train-labels.gz}\n  normalize: {mean: 0.5}\n")
            ),
            ("nan lr", base + "optimizer: {lr: .nan}\n"),
            ("inf epochs", base + "training: {epochs: .inf}\n"),
            ("huge int", base + "seed: 99999999999999999999999\n"),
            ("sweep scalar", base + "sweep: 5\n"),
            ("sweep grid empty", base + "sweep: {grid: {}}\n"),
            ("sweep grid scalar", base + "sweep: {grid: {optimizer.lr: 0.1}}\n"),
            ("sweep random no space", base + "sweep: {random: {count: 2}}\n"),
            ("sweep into sweep", base + "sweep: {grid: {sweep.grid: [1]}}\n"),
            ("sweep bad index", base + "sweep: {grid: {model.9.dense.units: [1]}}\n"),
            ("sweep_values list", base + "sweep_values: [1]\n"),
            ("name list", base.replacingOccurrences(of: "name: tiny", with: "name: [a]")),
            ("name null", base.replacingOccurrences(of: "name: tiny", with: "name:")),
            ("tab indentation", "name: x\n\tdata: 1\n"),
            ("unclosed quote", "name: 'x\n"),
        ]
        for (what, text) in cases {
            do {
                _ = try fx.load(text)
                XCTFail("\(what): accepted")
            } catch let error as ConfigError {
                XCTAssertFalse(error.diagnostics.isEmpty, what)
                for d in error.diagnostics {
                    XCTAssertTrue(d.mark.origin.hasSuffix("exp.yaml"), "\(what): \(d)")
                    XCTAssertNotNil(d.mark.line, "\(what): \(d)")
                }
            } catch {
                XCTFail("\(what): unexpected \(error)")
            }
        }
    }
}
