import XCTest

@testable import WorkbenchExperiments

/// `--set key.path=value`: applied before validation; errors name the option.
final class OverrideTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    func testOverridesSetScalarsListsAndNewSections() throws {
        let c = try fx.load(
            ConfigFixture.minimal,
            overrides: [
                "optimizer.lr=0.05", "training.epochs=2", "seed=7", "model.1.dense.units=3",
                "optimizer.momentum=.9", "model.0=global_avg", "augment=[hflip, {noise: {std: 0.1}}]",
            ])
        XCTAssertEqual(c.optimizer.lr, 0.05)
        XCTAssertEqual(c.optimizer.params.double("momentum"), 0.9)
        XCTAssertEqual(c.training.epochs, 2)
        XCTAssertEqual(c.seed, 7)
        XCTAssertEqual(c.model[1].params.int("units"), 3)
        XCTAssertEqual(c.model[0].name, "global_avg")
        XCTAssertEqual(c.augment.map(\.name), ["hflip", "noise"])
        XCTAssertEqual(c.augment[1].params.double("std"), 0.1)
    }

    func testOverridesGiveParametersToBareNames() throws {
        let text = ConfigFixture.minimal + "loss: cross_entropy\n"
        let c = try fx.load(
            text.replacingOccurrences(of: "  - flatten\n", with: "  - dropout\n  - flatten\n"),
            overrides: ["model.0.dropout.p=0.25", "loss.label_smoothing=0.1", "optimizer=adam"])
        XCTAssertEqual(c.model[0].params.double("p"), 0.25)
        XCTAssertEqual(c.loss.params.double("label_smoothing"), 0.1)
        XCTAssertEqual(c.optimizer.name, "adam")
    }

    func testLaterOverridesWin() throws {
        let c = try fx.load(ConfigFixture.minimal, overrides: ["training.epochs=2", "training.epochs=5"])
        XCTAssertEqual(c.training.epochs, 5)
    }

    func testOverrideErrorsNameTheOption() {
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["optimizer.lrr=0.1"]),
            ["--set optimizer.lrr=0.1: optimizer.lrr: unknown key 'lrr'; did you mean 'lr'?"])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["optimizer.lr=fast"]),
            ["--set optimizer.lr=fast: optimizer.lr: expected a number > 0, found 'fast'"])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["trainig.epochs=2"]),
            ["--set trainig.epochs=2: trainig: unknown key 'trainig'; did you mean 'training'?"])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["model.5.dense.units=3"]),
            [
                "--set model.5.dense.units=3: model.5: expected an index in 0..<2 (model has 2 entries), found 5"
            ])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["model.first.units=3"]),
            ["--set model.first.units=3: model.first: expected a list index (0..<2), found 'first'"])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["name.x=3"]),
            ["--set name.x=3: name.x: expected name to be a mapping, found 'tiny'"])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["training.epochs"]),
            ["--set training.epochs: expected key.path=value, found no '='"])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["training..epochs=1"]),
            [
                "--set training..epochs=1: training..epochs: expected a dotted key path such as optimizer.lr, "
                    + "found 'training..epochs'"
            ])
        let bad = fx.errors(ConfigFixture.minimal, overrides: ["training.epochs=[1"])
        XCTAssertEqual(bad.count, 1)
        XCTAssertTrue(bad[0].hasPrefix("--set training.epochs=[1: invalid YAML:"), bad[0])
    }

    func testErrorsInsideAnOverrideValueNameTheFullKeyPath() {
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["training={epochs: 1, epochs: 2}"]),
            [
                "--set training={epochs: 1, epochs: 2}: training.epochs: duplicate key 'epochs': first at "
                    + "column 2, again at column 13 of the value"
            ])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["model.1={dense: {units: 2, units: 3}}"]),
            [
                "--set model.1={dense: {units: 2, units: 3}}: model[1].dense.units: duplicate key 'units': "
                    + "first at column 10, again at column 20 of the value"
            ])
        XCTAssertEqual(Override.keyPath(["model", "0", "conv"]), "model[0].conv")
        XCTAssertEqual(Override.keyPath(["sweep", "grid", "optimizer"]), "sweep.grid.optimizer")
    }

    func testOverrideNestingCountsTheKeyPath() {
        // The value of `training.x` sits at level 3 (top mapping, training, x): 62 more lists fit.
        func value(_ levels: Int) -> String {
            String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
        }
        let fits = fx.errors(ConfigFixture.minimal, overrides: ["training.x=\(value(62))"])
        XCTAssertEqual(fits.count, 1)
        XCTAssertTrue(fits[0].contains(": training.x: unknown key 'x'"), fits[0])
        let deep = "training.x=" + value(40_000)
        let found = fx.errors(ConfigFixture.minimal, overrides: [deep])
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(
            found[0].hasPrefix(
                "--set training.x=" + String(repeating: "[", count: 119 - 11) + "…: training.x"
                    + String(repeating: "[0]", count: 62)
                    + ": expected lists and mappings nested at most 64 deep, found a list or mapping at level 65"
            ),
            String(found[0].suffix(200)))
        // A 40,000-key path would nest as deep; it is refused before anything is built from it.
        let path = Array(repeating: "a", count: 40_000).joined(separator: ".")
        let long = fx.errors(ConfigFixture.minimal, overrides: ["\(path)=1"])
        XCTAssertEqual(long.count, 1)
        XCTAssertTrue(
            long[0].hasSuffix(
                "expected a key path of at most 63 keys (lists and mappings nest at most 64 deep), found 40000 keys"
            ),
            String(long[0].suffix(200)))
        let longest = fx.errors(
            ConfigFixture.minimal, overrides: [Array(repeating: "a", count: 63).joined(separator: ".") + "=1"]
        )
        XCTAssertEqual(longest.count, 1)
        XCTAssertTrue(longest[0].contains("…: a: unknown key 'a'"), longest[0])
    }

    func testOverridePathsResolveAgainstTheWorkingDirectory() throws {
        let saved = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(saved) }
        FileManager.default.changeCurrentDirectoryPath(fx.folder + "/data")
        let c = try fx.load(ConfigFixture.minimal, overrides: ["data.train.images=test-images.gz"])
        XCTAssertEqual(c.data.train.images, fx.folder + "/data/test-images.gz")
        let found = fx.errors(ConfigFixture.minimal, overrides: ["data.train.labels=missing.gz"])
        XCTAssertEqual(
            found,
            [
                "--set data.train.labels=missing.gz: data.train.labels: expected an existing file or folder, "
                    + "found nothing at DIR/data/missing.gz ('missing.gz' resolved against the working directory)"
            ])
    }
}
