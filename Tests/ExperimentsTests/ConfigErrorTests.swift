import XCTest

@testable import WorkbenchExperiments

/// Every mistake is reported before training as `file:line:column: key.path: expected X, found Y`.
final class ConfigErrorTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    func testSeveralErrorsAreCollectedAndSortedByLine() {
        let found = fx.errors(
            """
            name: x
            data:
              train: {format: idx, images: nope.gz, labels: data/train-labels.gz}
              validaton: 0.1
            model:
              - conv: {filters: 6, kernal: 5}
              - relu
              - dense: {units: 0}
              - pool
            optimizer: {name: sgdd, lr: -1}
            training: {epochs: 0, drop_last: yes}

            """)
        XCTAssertEqual(
            found,
            [
                "DIR/exp.yaml:3:32: data.train.images: expected an existing file or folder, found nothing at "
                    + "DIR/nope.gz ('nope.gz' resolved against DIR)",
                "DIR/exp.yaml:4:3: data.validaton: unknown key 'validaton'; did you mean 'validation'?",
                "DIR/exp.yaml:6:11: model[0].conv.kernel: missing required key 'kernel' (an integer in [1, 1024])",
                "DIR/exp.yaml:6:24: model[0].conv.kernal: unknown key 'kernal'; did you mean 'kernel'?",
                "DIR/exp.yaml:8:20: model[2].dense.units: expected an integer in [1, 65536], found 0",
                "DIR/exp.yaml:9:5: model[3]: unknown layer 'pool'; expected one of: conv, subsample, dense, relu, tanh, "
                    + "sigmoid, scaled_tanh, flatten, global_avg, leaky_relu, elu, dropout, batchnorm",
                "DIR/exp.yaml:10:19: optimizer.name: unknown name 'sgdd'; did you mean 'sgd'?",
                "DIR/exp.yaml:11:20: training.epochs: expected an integer in [1, 1000000], found 0",
                "DIR/exp.yaml:11:34: training.drop_last: expected true or false, found 'yes'",
            ])
    }

    func testRangesAndTypes() {
        let found = fx.errors(
            ConfigFixture.minimal + """
                seed: -3
                augment:
                  - hflip: {p: 1.5}
                  - erase: {area: [0.3, 0.1]}
                optimizer: {name: adam, lr: 0, betas: [0.9]}
                training: {batch_size: 6.5, workers: "2"}

                """)
        XCTAssertEqual(
            found,
            [
                "DIR/exp.yaml:7:7: seed: expected an integer ≥ 0, found -3",
                "DIR/exp.yaml:9:16: augment[0].hflip.p: expected a number in [0, 1], found 1.5",
                "DIR/exp.yaml:10:19: augment[1].erase.area: expected a list of 2 numbers in (0, 1], low to high, found [0.3, 0.1]",
                "DIR/exp.yaml:11:29: optimizer.lr: expected a number > 0, found 0",
                "DIR/exp.yaml:11:39: optimizer.betas: expected a list of 2 numbers in [0, 1), found [0.9]",
                "DIR/exp.yaml:12:24: training.batch_size: expected an integer in [1, 1048576], found 6.5",
                "DIR/exp.yaml:12:38: training.workers: expected an integer in [0, 256], found '2'",
            ])
    }

    func testValidationFractionAndDropoutBounds() {
        XCTAssertEqual(
            fx.errors(
                ConfigFixture.minimal.replacingOccurrences(
                    of: "  - flatten\n", with: "  - dropout: {p: 1}\n  - flatten\n")
                    + "training: {}\n"
                    .replacingOccurrences(of: "{}", with: "{chunk: 0}")),
            [
                "DIR/exp.yaml:5:18: model[0].dropout.p: expected a number in [0, 1), found 1",
                "DIR/exp.yaml:8:19: training.chunk: expected an integer in [1, 4096], found 0",
            ])
        let v = ConfigFixture.minimal.replacingOccurrences(
            of: "labels: data/train-labels.gz}\n", with: "labels: data/train-labels.gz}\n  validation: 1\n")
        XCTAssertEqual(
            fx.errors(v), ["DIR/exp.yaml:4:15: data.validation: expected a number in [0, 1), found 1"])
    }

    func testMissingRequiredSectionsAndUnknownTopLevelKey() {
        XCTAssertEqual(
            fx.errors("nmae: x\nepochs: 3\n"),
            [
                "DIR/exp.yaml:1:1: data: missing required key 'data' (the datasets)",
                "DIR/exp.yaml:1:1: model: missing required key 'model' (the list of layers)",
                "DIR/exp.yaml:1:1: name: missing required key 'name' (a string)",
                "DIR/exp.yaml:1:1: nmae: unknown key 'nmae'; did you mean 'name'?",
                "DIR/exp.yaml:2:1: epochs: unknown key 'epochs'; expected one of: name, description, seed, data, "
                    + "augment, model, loss, optimizer, schedule, training, sweep, sweep_values",
            ])
        XCTAssertEqual(
            fx.errors("- a\n- b\n"),
            ["DIR/exp.yaml:1:1: expected a mapping of experiment keys (name, data, model, ...), found [a, b]"]
        )
        XCTAssertEqual(
            fx.errors(""),
            [
                "DIR/exp.yaml: expected an experiment (name, data, model, ...), found an empty file (no YAML document)"
            ])
        XCTAssertEqual(
            fx.errors("", overrides: ["name=x"]),
            [
                "DIR/exp.yaml:1:1: data: missing required key 'data' (the datasets)",
                "DIR/exp.yaml:1:1: model: missing required key 'model' (the list of layers)",
            ])
    }

    func testUnknownNamesGetDidYouMean() {
        let found = fx.errors(
            ConfigFixture.minimal + """
                loss: cross_entropyy
                schedule: {name: cosin}
                augment: [hlfip, {noise: {sdt: 0.1}}]

                """)
        XCTAssertEqual(
            found,
            [
                "DIR/exp.yaml:7:7: loss: unknown name 'cross_entropyy'; did you mean 'cross_entropy'?",
                "DIR/exp.yaml:8:18: schedule.name: unknown name 'cosin'; did you mean 'cosine'?",
                "DIR/exp.yaml:9:11: augment[0]: unknown augmentation 'hlfip'; did you mean 'hflip'?",
                "DIR/exp.yaml:9:27: augment[1].noise.sdt: unknown key 'sdt'; did you mean 'std'?",
            ])
    }

    func testLayerEntriesMustBeANameOrOneKeyMapping() {
        let text = ConfigFixture.minimal.replacingOccurrences(
            of: "  - flatten\n", with: "  - {conv: {filters: 1, kernel: 1}, relu: {}}\n  - 3\n")
        XCTAssertEqual(
            fx.errors(text),
            [
                "DIR/exp.yaml:5:5: model[0]: expected a layer name or a single-key mapping such as {conv: {...}}, "
                    + "found a mapping with 2 keys: {conv: {filters: 1, kernel: 1}, relu: {}}",
                "DIR/exp.yaml:6:5: model[1]: expected a layer name or a single-key mapping such as {conv: {...}}, found 3",
            ])
    }

    func testCrossKeyChecks() {
        let text = """
            name: x
            data:
              train: {format: idx, images: data/train-images.gz, labels: data/train-labels.gz}
              resize: [28, 28]
              channels: 3
              normalize: {mean: [0.1, 0.2], std: 0}
            model:
              - conv: {filters: 2, kernel: 3, table: [[0]]}
            optimizer: {name: sgd, nesterov: true}
            schedule: {name: multistep, milestones: [3, 2]}

            """
        XCTAssertEqual(
            fx.errors(text),
            [
                "DIR/exp.yaml:4:11: data.resize: expected a folder dataset to resize, found only idx datasets",
                "DIR/exp.yaml:6:21: data.normalize.mean: expected 1 or 3 values (one per channel), found 2: [0.1, 0.2]",
                "DIR/exp.yaml:6:38: data.normalize.std: expected a number ≥ 1e-07 or a list of them (one per channel), found 0",
                "DIR/exp.yaml:8:42: model[0].conv.table: expected one row per filter (2 rows), found 1 rows",
                "DIR/exp.yaml:9:34: optimizer.nesterov: expected momentum > 0 with nesterov: true, found momentum 0",
                "DIR/exp.yaml:10:41: schedule.milestones: expected strictly increasing epochs, found [3, 2]",
            ])
    }

    func testCosineFloorAboveTheLearningRateIsRefusedAtItsKey() throws {
        let text =
            ConfigFixture.minimal
            + "optimizer: {name: sgd, lr: 0.05}\nschedule: {name: cosine, min_lr: 1e8}\n"
        XCTAssertEqual(
            fx.errors(text),
            [
                "DIR/exp.yaml:8:34: schedule.min_lr: expected at most optimizer.lr (0.05), the rate cosine "
                    + "anneals from, found 100000000.0"
            ])
        XCTAssertEqual(
            fx.errors(text.replacingOccurrences(of: "1e8", with: "0.0500001")).first?.contains(
                "schedule.min_lr"),
            true)
        // The default lr (0.01) counts too, and --set edits are checked the same way.
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["schedule={name: cosine, min_lr: 1e6}"]).count, 1)
        // A floor equal to the rate is a constant schedule: accepted.
        let equal = try fx.load(text.replacingOccurrences(of: "1e8", with: "0.05"))
        XCTAssertEqual(equal.schedule.params["min_lr"]?.double, 0.05)
    }

    func testSubnormalNormalizeStdIsRefused() throws {
        for std in ["1e-39", "1e-40", "9.9e-8", "[0.5, 1e-39, 0.5]"] {
            let channels = std.hasPrefix("[") ? "  channels: 3\n" : ""
            let text = ConfigFixture.minimal.replacingOccurrences(
                of: "labels: data/train-labels.gz}\n",
                with: "labels: data/train-labels.gz}\n\(channels)  normalize: {mean: 0.5, std: \(std)}\n")
            let errors = fx.errors(text)
            XCTAssertEqual(errors.count, 1, std)
            XCTAssertTrue(errors.first?.contains("data.normalize.std: expected a ") == true, "\(errors)")
            XCTAssertTrue(errors.first?.contains("≥ 1e-07") == true, "\(errors)")
        }
        let smallest = try fx.load(
            ConfigFixture.minimal.replacingOccurrences(
                of: "labels: data/train-labels.gz}\n",
                with: "labels: data/train-labels.gz}\n  normalize: {mean: 0.5, std: 1e-7}\n"))
        XCTAssertEqual(smallest.data.normalize?.std, [1e-7])
        // A huge mean with a small std overflows too: (|mean| + 1) / std must stay ≤ 1e30.
        let huge = ConfigFixture.minimal.replacingOccurrences(
            of: "labels: data/train-labels.gz}\n",
            with: "labels: data/train-labels.gz}\n  normalize: {mean: 1e30, std: 0.5}\n")
        XCTAssertEqual(
            fx.errors(huge),
            [
                "DIR/exp.yaml:4:21: data.normalize: expected (|mean| + 1) / std, the largest normalised [0, 1] "
                    + "pixel, at most 1e+30, found 2e+30 (mean 1e30, std 0.5)"
            ])
        XCTAssertNoThrow(try fx.load(huge.replacingOccurrences(of: "std: 0.5", with: "std: 1")))
    }

    func testDuplicateKeysInAnExperimentFile() {
        let found = fx.errors(ConfigFixture.minimal + "training:\n  epochs: 2\n  epochs: 3\n")
        XCTAssertEqual(
            found,
            ["DIR/exp.yaml:9:3: training.epochs: duplicate key 'epochs': first at 8:3, again at 9:3"])
    }

    func testSyntaxErrorHasFileLineColumn() {
        let found = fx.errors("name: [x\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(
            found[0].hasPrefix("DIR/exp.yaml:2:1: invalid YAML: did not find expected ',' or ']'"), found[0])
    }
}

extension ConfigErrorTests {
    func testChannelsAreOneOrThree() {
        let text = ConfigFixture.minimal.replacingOccurrences(
            of: "labels: data/train-labels.gz}\n", with: "labels: data/train-labels.gz}\n  channels: 2\n")
        XCTAssertEqual(fx.errors(text), ["DIR/exp.yaml:4:13: data.channels: expected 1 or 3, found 2"])
    }
}
