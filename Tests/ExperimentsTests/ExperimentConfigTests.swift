import XCTest

@testable import WorkbenchExperiments

final class ExperimentConfigTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    static let lenet = """
        name: lenet5-fashion
        description: "LeNet-5 on Fashion-MNIST"
        seed: 42
        data:
          train: {format: idx, images: data/train-images.gz, labels: data/train-labels.gz}
          test:  {format: idx, images: data/test-images.gz, labels: data/test-labels.gz}
          validation: 0.1
          normalize: {mean: 0.2860, std: 0.3530}
        augment:
          - random_crop: {size: 28, padding: 2}
          - hflip: {p: 0.5}
          - affine: {degrees: 10, translate: 0.1, scale: [0.9, 1.1], shear: 5, fill: 0}
        model:
          - conv: {filters: 6, kernel: 5, padding: 2, init: he_uniform}
          - relu
          - subsample: {kind: max, size: 2}
          - conv: {filters: 3, kernel: 5, table: [[0, 1, 2], [1, 2, 3], [2, 3, 4]]}
          - leaky_relu: {slope: 0.02}
          - flatten
          - dense: {units: 10, init: lecun_uniform}
        loss: {name: cross_entropy, label_smoothing: 0.1}
        optimizer: {name: sgd, lr: 1e-3, momentum: 0.9, nesterov: true, weight_decay: 5E-4, clip_norm: 5}
        schedule: {name: step, every: 2, gamma: 0.5, warmup: 1}
        training: {epochs: 3, batch_size: 32}

        """

    func testFullFileDecodesWithDefaultsFilled() throws {
        let c = try fx.load(Self.lenet)
        XCTAssertEqual(c.name, "lenet5-fashion")
        XCTAssertEqual(c.description, "LeNet-5 on Fashion-MNIST")
        XCTAssertEqual(c.seed, 42)
        XCTAssertEqual(c.data.train.format, "idx")
        XCTAssertEqual(c.data.train.images, fx.folder + "/data/train-images.gz")
        XCTAssertEqual(c.data.test?.labels, fx.folder + "/data/test-labels.gz")
        XCTAssertEqual(c.data.channels, 1)
        XCTAssertEqual(c.data.validation, 0.1)
        XCTAssertEqual(c.data.normalize, NormalizeConfig(mean: [0.286], std: [0.353]))
        XCTAssertEqual(c.augment.map(\.name), ["random_crop", "hflip", "affine"])
        XCTAssertEqual(c.augment[0].params.double("fill"), 0)
        XCTAssertEqual(c.augment[2].params.doubles("scale"), [0.9, 1.1])
        XCTAssertEqual(
            c.model.map(\.name), ["conv", "relu", "subsample", "conv", "leaky_relu", "flatten", "dense"])
        XCTAssertEqual(c.model[0].params.int("stride"), 1)
        XCTAssertEqual(c.model[0].params.bool("bias"), true)
        XCTAssertEqual(c.model[2].params.int("stride"), 2, "subsample stride defaults to its size")
        XCTAssertEqual(
            c.model[3].params["table"],
            .list([[0, 1, 2], [1, 2, 3], [2, 3, 4]].map { .list($0.map(ConfigValue.int)) }))
        XCTAssertEqual(c.model[4].params.double("slope"), 0.02)
        XCTAssertEqual(c.model[6].params.string("init"), "lecun_uniform")
        XCTAssertEqual(c.loss.params.double("label_smoothing"), 0.1)
        XCTAssertEqual(c.optimizer.name, "sgd")
        XCTAssertEqual(c.optimizer.lr, 0.001)
        XCTAssertEqual(c.optimizer.params.double("weight_decay"), 0.0005)
        XCTAssertEqual(c.optimizer.params.double("clip_norm"), 5)
        XCTAssertEqual(c.schedule.name, "step")
        XCTAssertEqual(c.schedule.warmup, 1)
        XCTAssertEqual(c.training.epochs, 3)
        XCTAssertEqual(c.training.batchSize, 32)
        XCTAssertEqual(c.training.threads, 1)
        XCTAssertEqual(c.training.workers, 2)
        XCTAssertEqual(c.training.dropLast, false)
        XCTAssertEqual(c.training.chunk, 16)
    }

    func testMinimalFileGetsDefaultSectionsAndADrawnSeed() throws {
        let c = try fx.load(ConfigFixture.minimal, seed: 12345)
        XCTAssertEqual(c.seed, 12345)
        XCTAssertEqual(c.loss.name, "cross_entropy")
        XCTAssertEqual(c.optimizer.name, "sgd")
        XCTAssertEqual(c.optimizer.lr, 0.01)
        XCTAssertEqual(c.optimizer.params.double("momentum"), 0)
        XCTAssertNil(c.optimizer.params["clip_norm"])
        XCTAssertEqual(c.schedule.name, "constant")
        XCTAssertEqual(c.training.epochs, 10)
        XCTAssertEqual(c.training.batchSize, 64)
        XCTAssertTrue(c.augment.isEmpty)
        XCTAssertNil(c.data.test)
        XCTAssertNil(c.sweep)
    }

    func testAdamDefaultsAndShorthandNames() throws {
        let c = try fx.load(ConfigFixture.minimal + "optimizer: adamw\nloss: mse\nschedule: cosine\n")
        XCTAssertEqual(c.optimizer.name, "adamw")
        XCTAssertEqual(c.optimizer.lr, 0.001)
        XCTAssertEqual(c.optimizer.params.doubles("betas"), [0.9, 0.999])
        XCTAssertEqual(c.optimizer.params.double("eps"), 1e-8)
        XCTAssertEqual(c.optimizer.params.double("weight_decay"), 0.01)
        XCTAssertEqual(c.loss.name, "mse")
        XCTAssertEqual(c.schedule.params.double("min_lr"), 0)
    }

    func testFolderDataWithResizeAndPerChannelNormalisation() throws {
        let c = try fx.load(
            """
            name: rgb
            data:
              train: {format: folder, path: data/classes}
              channels: 3
              resize: [32, 32]
              normalize: {mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]}
            model: [global_avg, flatten, {dense: {units: 2}}]

            """)
        XCTAssertEqual(c.data.train.path, fx.folder + "/data/classes")
        XCTAssertEqual(c.data.channels, 3)
        XCTAssertEqual(c.data.resize, [32, 32])
        XCTAssertEqual(c.data.normalize?.std, [0.25, 0.25, 0.25])
    }
}

extension ExperimentConfigTests {
    func testSectionsWithoutANameTakeTheDefaultOne() throws {
        let c = try fx.load(ConfigFixture.minimal + "optimizer: {lr: 0.2}\nloss: {}\nschedule: {warmup: 2}\n")
        XCTAssertEqual(c.optimizer.name, "sgd")
        XCTAssertEqual(c.optimizer.lr, 0.2)
        XCTAssertEqual(c.loss.name, "cross_entropy")
        XCTAssertEqual(c.schedule.name, "constant")
        XCTAssertEqual(c.schedule.warmup, 2)
    }

    func testOptionalSectionsWithNoValueAreAbsent() throws {
        // `training:` and `augment:` already meant the defaults, `optimizer:` was an error.
        let plain = try fx.load(ConfigFixture.minimal, seed: 5)
        let nulls = try fx.load(
            ConfigFixture.minimal.replacingOccurrences(
                of: "labels: data/train-labels.gz}\n",
                with: "labels: data/train-labels.gz}\n  test:\n  normalize: ~\n")
                + "description:\nseed: null\naugment:\nloss:\noptimizer:\nschedule: ~\ntraining:\nsweep:\n"
                + "sweep_values: Null\n",
            seed: 5)
        XCTAssertEqual(nulls, plain)
        XCTAssertEqual(nulls.optimizer.name, "sgd")
        XCTAssertEqual(nulls.seed, 5)
        XCTAssertNil(nulls.description)
        XCTAssertNil(nulls.data.test)
        XCTAssertNil(nulls.data.normalize)
        // Required sections and keys inside a section stay errors when they have no value.
        XCTAssertEqual(
            fx.errors("name:\ndata:\nmodel:\noptimizer: {lr: }\n"),
            [
                "DIR/exp.yaml:1:6: name: expected a string, found nothing (null)",
                "DIR/exp.yaml:2:6: data.train: missing required key 'train' ({format: idx, images: ..., "
                    + "labels: ...} or {format: folder, path: ...})",
                "DIR/exp.yaml:3:7: model: expected a non-empty list of layers, found nothing (null)",
                "DIR/exp.yaml:4:17: optimizer.lr: expected a number > 0, found nothing (null)",
            ])
    }

    func testNamesThatCannotNameARunFolderAreRefused() throws {
        let expected =
            "expected a name with at least one ASCII letter, digit or '_' (it names the run folder)"
        for (name, column, found) in [
            ("\"\"", 7, "''"), ("..", 7, "'..'"), ("'/ -'", 7, "'/ -'"), ("\"Лена\"", 7, "'Лена'"),
        ] {
            XCTAssertEqual(
                fx.errors(
                    ConfigFixture.minimal.replacingOccurrences(of: "name: tiny", with: "name: \(name)")),
                ["DIR/exp.yaml:1:\(column): name: \(expected), found \(found)"], name)
        }
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["name="]),
            ["--set name=: name: expected a string, found nothing (null)"])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["name=''"]),
            ["--set name='': name: \(expected), found ''"])
        let slashed = try fx.load(
            ConfigFixture.minimal.replacingOccurrences(of: "name: tiny", with: "name: a/b c"))
        XCTAssertEqual(slashed.name, "a/b c")
        XCTAssertEqual(RunID.folderPart(slashed.name), "a-b-c")
        XCTAssertNil(RunID.folderPart("-._.-".replacingOccurrences(of: "_", with: "")))
        XCTAssertEqual(RunID.sanitized(".."), "run")
    }
}
