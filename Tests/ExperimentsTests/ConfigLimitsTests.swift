import Foundation
import WorkbenchData
import XCTest

@testable import WorkbenchExperiments

/// Values that used to trap or allocate absurd memory are load errors: integer keys have upper
/// limits, non-finite numbers are refused, networks past the size limits are refused before
/// building, and "found ..." shows the offending value.
final class ConfigLimitsTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    static let huge = "9223372036854775807"

    func testHugeIntegersAreRangeErrorsNotTraps() {
        XCTAssertEqual(
            fx.errors(
                ConfigFixture.minimal.replacingOccurrences(of: "{units: 10}", with: "{units: \(Self.huge)}")),
            ["DIR/exp.yaml:6:20: model[1].dense.units: expected an integer in [1, 65536], found \(Self.huge)"]
        )
        let overrides = [
            "model.0=conv", "model.0.conv.filters=\(Self.huge)", "model.0.conv.kernel=3",
            "model.0.conv.padding=\(Self.huge)", "training.chunk=\(Self.huge)",
            "schedule.warmup=\(Self.huge)", "training.epochs=\(Self.huge)",
        ]
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: overrides),
            [
                "--set model.0.conv.filters=\(Self.huge): model[0].conv.filters: expected an integer in "
                    + "[1, 65536], found \(Self.huge)",
                "--set model.0.conv.padding=\(Self.huge): model[0].conv.padding: expected an integer in "
                    + "[0, 1024], found \(Self.huge)",
                "--set schedule.warmup=\(Self.huge): schedule.warmup: expected an integer in [0, 1000000], "
                    + "found \(Self.huge)",
                "--set training.chunk=\(Self.huge): training.chunk: expected an integer in [1, 4096], "
                    + "found \(Self.huge)",
                "--set training.epochs=\(Self.huge): training.epochs: expected an integer in [1, 1000000], "
                    + "found \(Self.huge)",
            ])
    }

    func testSeedBeyondInt64IsShownAsWritten() {
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal + "seed: 18446744073709551615\n"),
            [
                "DIR/exp.yaml:7:7: seed: expected an integer ≥ 0 (integers are at most 2^63 − 1 = "
                    + "9223372036854775807), found 18446744073709551615"
            ])
        XCTAssertEqual(try fx.load(ConfigFixture.minimal + "seed: \(Self.huge)\n").seed, UInt64(Int.max))
    }

    func testNonFiniteNumbersAreRefusedForEveryNumericKind() {
        let found = fx.errors(
            ConfigFixture.minimal + """
                augment:
                  - affine: {scale: [1, .inf], fill: .nan}
                optimizer: {lr: .inf, weight_decay: -.inf}
                sweep: {random: {count: 2, space: {optimizer.momentum: {min: -.inf, max: 0.5}}}}

                """)
        XCTAssertEqual(
            found,
            [
                "DIR/exp.yaml:8:21: augment[0].affine.scale: expected finite numbers (a list of 2 numbers "
                    + "> 0, low to high), found [1, .inf]",
                "DIR/exp.yaml:8:38: augment[0].affine.fill: expected a finite number (a number), found .nan",
                "DIR/exp.yaml:9:17: optimizer.lr: expected a finite number (a number > 0), found .inf",
                "DIR/exp.yaml:9:37: optimizer.weight_decay: expected a finite number (a number ≥ 0), found -.inf",
                "DIR/exp.yaml:10:62: sweep.random.space.optimizer.momentum.min: expected a finite number "
                    + "(a number), found -.inf",
            ])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["data.normalize={mean: .nan, std: 1}"]),
            [
                "--set data.normalize={mean: .nan, std: 1}: data.normalize.mean: expected a finite number "
                    + "(a number or a list of them (one per channel)), found .nan"
            ])
    }

    func testNumberKeysThatBecomeSizesHaveUpperLimits() {
        // sigma 1e9 meant a 3e9-weight kernel (12 GB), 1e19 overflowed Int; 1e30 degrees overflowed
        // Int in the right-angle check; an aspect of 1e38 overflowed Int in erasing; a leaky slope of
        // 1.5 got past the file check and failed only when the network was built.
        let found = fx.errors(
            ConfigFixture.minimal.replacingOccurrences(of: "- flatten", with: "- leaky_relu: {slope: 1.5}")
                + """
                augment:
                  - elastic: {sigma: 1e19, alpha: 5000}
                  - elastic: {sigma: 1e9}
                  - affine: {degrees: 1e30}
                  - erase: {aspect: [1e-38, 1e38]}

                """)
        XCTAssertEqual(
            found,
            [
                "DIR/exp.yaml:5:25: model[0].leaky_relu.slope: expected a number in [0, 1), found 1.5",
                "DIR/exp.yaml:8:22: augment[0].elastic.sigma: expected a number in (0, 1024], found 1e19",
                "DIR/exp.yaml:8:35: augment[0].elastic.alpha: expected a number in [0, 4096], found 5000",
                "DIR/exp.yaml:9:22: augment[1].elastic.sigma: expected a number in (0, 1024], found 1e9",
                "DIR/exp.yaml:10:23: augment[2].affine.degrees: expected a number in [0, 360], found 1e30",
                "DIR/exp.yaml:11:21: augment[3].erase.aspect: expected a list of 2 numbers in [0.001, 1000], "
                    + "low to high, found [1e-38, 1e38]",
            ])
        let edges = try? fx.load(
            ConfigFixture.minimal + """
                augment: [{elastic: {sigma: 1024, alpha: 4096}}, {affine: {degrees: 360}},
                          {erase: {aspect: [0.001, 1000]}}]

                """)
        XCTAssertEqual(edges?.augment.map(\.name), ["elastic", "affine", "erase"])
        XCTAssertEqual(
            edges?.augment.first?.makeAugmentation().description, "elastic(alpha: 4096, sigma: 1024, fill: 0)"
        )
    }

    func testFoundShowsTheOffendingValue() {
        let found = fx.errors(
            """
            name: x
            data:
              train: {format: idx, images: data/train-images.gz, labels: data/train-labels.gz}
              normalize: {mean: [0.1, 0.2], std: 1}
            model: []
            augment:
              - affine: {scale: [1.2, 0.8]}
              - erase: {area: [0, 1]}
            schedule: {name: multistep, milestones: [5, 3]}
            sweep: {grid: {}}

            """)
        XCTAssertEqual(
            found,
            [
                "DIR/exp.yaml:4:21: data.normalize.mean: expected 1 value (data.channels is 1), found 2: [0.1, 0.2]",
                "DIR/exp.yaml:5:8: model: expected a non-empty list of layers, found []",
                "DIR/exp.yaml:7:21: augment[0].affine.scale: expected a list of 2 numbers > 0, low to high, "
                    + "found [1.2, 0.8]",
                "DIR/exp.yaml:8:19: augment[1].erase.area: expected a list of 2 numbers in (0, 1], low to high, "
                    + "found [0, 1]",
                "DIR/exp.yaml:9:41: schedule.milestones: expected strictly increasing epochs, found [5, 3]",
                "DIR/exp.yaml:10:15: sweep.grid: expected at least one key to sweep, found {}",
            ])
        XCTAssertEqual(
            fx.errors(
                ConfigFixture.minimal.replacingOccurrences(
                    of: "- flatten", with: "- conv: {filters: 2, kernel: 1, table: [[0], [-1]]}")),
            [
                "DIR/exp.yaml:5:48: model[0].conv.table[1]: expected a list of integers in [0, 65535], found [-1]"
            ])
    }

    func testLongValuesAreCutInMessages() {
        let long = "[" + (1...40).reversed().map(String.init).joined(separator: ", ") + "]"
        let found = fx.errors(ConfigFixture.minimal + "schedule: {name: multistep, milestones: \(long)}\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(
            found[0].hasSuffix("found [40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26…"), found[0]
        )
    }

    func testSettingAnEntryOfAnEmptyOrAbsentListNamesTheIndex() {
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal + "augment: []\n", overrides: ["augment.0.hflip.p=2"]),
            [
                "--set augment.0.hflip.p=2: augment.0: expected an existing list entry, found none: augment is "
                    + "an empty list, so it has no element 0"
            ])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["augment.0.hflip.p=2"]),
            [
                "--set augment.0.hflip.p=2: augment.0: expected an existing list entry, found none: augment is "
                    + "absent, so it has no element 0"
            ])
    }

    func testExperimentPathThatIsADirectoryOrEmpty() throws {
        func message(_ path: String) -> String {
            do {
                _ = try ExperimentConfig.load(file: path)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(message(fx.folder), "\(fx.folder): expected a readable YAML file, found a directory")
        XCTAssertEqual(
            message("/dev/null"),
            "/dev/null: expected an experiment (name, data, model, ...), found an empty file (no YAML document)"
        )
        let empty = try fx.write("", name: "empty.yaml")
        XCTAssertEqual(
            message(empty),
            "\(empty): expected an experiment (name, data, model, ...), found an empty file (no YAML document)"
        )
    }

    // MARK: Size check before building

    func writeTinyIDX() throws {
        let images = IDXArray(dimensions: [2, 28, 28], values: [UInt8](repeating: 7, count: 2 * 28 * 28))
        try images.write(to: fx.folder + "/data/tiny-images.idx")
        try IDXArray(dimensions: [2], values: [UInt8(0), 1]).write(to: fx.folder + "/data/tiny-labels.idx")
    }

    func sizeError(_ model: String) throws -> String {
        try writeTinyIDX()
        let c = try fx.load(
            """
            name: big
            data:
              train: {format: idx, images: data/tiny-images.idx, labels: data/tiny-labels.idx}
            model:
            \(model)

            """)
        do {
            _ = try c.checkedNetwork(train: try c.makeTrainDataset(), test: nil)
            return "no error"
        } catch let error as ConfigError {
            return error.description.replacingOccurrences(of: fx.folder, with: "DIR")
        }
    }

    func testHugeActivationsAreRefusedBeforeAllocating() throws {
        // 28 + 2·1000 − 5 + 1 = 2024; (6 output maps + 1·5·5 unfolded rows) · 2024² floats per sample,
        // · 16 samples (chunk) · 4 bytes = 8,127,606,784 bytes = 7.57 GiB.
        XCTAssertEqual(
            try sizeError(
                "  - conv: {filters: 6, kernel: 5, padding: 1000}\n  - flatten\n  - dense: {units: 2}"),
            "DIR/exp.yaml:5:5: model[0].conv: gives 6 maps of 2024×2024, so the layers up to here need 7.6 GiB "
                + "of buffers per chunk of 16 samples, expected at most 2 GiB; check padding, kernel, stride, "
                + "filters and units (or lower training.chunk)")
    }

    func testHugeParameterCountsAreRefusedBeforeAllocating() throws {
        // 784·65536 + 65536 + 65536·65536 + 65536 = 4,346,478,592 parameters.
        XCTAssertEqual(
            try sizeError("  - flatten\n  - dense: {units: 65536}\n  - dense: {units: 65536}"),
            "DIR/exp.yaml:7:5: model[2].dense: gives 65536 features and brings the network to 4,346,478,592 "
                + "parameters, expected at most 268,435,456 (2^28); check filters, units and kernel")
    }

    func testBatchesOfHugeInputsAreRefusedBeforeLoading() throws {
        // A crop of 2076 from 28 + 2·1024: 64 samples · 2076² floats · 4 bytes = 1.03 GiB per batch
        // (the trial's run of this peaked at 4.3 GB); 32 samples are half that and pass.
        try writeTinyIDX()
        let text = """
            name: big
            data:
              train: {format: idx, images: data/tiny-images.idx, labels: data/tiny-labels.idx}
            augment: [{random_crop: {size: 2076, padding: 1024}}]
            model: [flatten, dense: {units: 2}]
            training: {epochs: 1, batch_size: 64}

            """
        func check(_ overrides: [String] = [], samples: Int = 1000) throws -> String {
            let c = try fx.load(text, overrides: overrides)
            do {
                try c.checkBatchSize(inputShape: [1, 2076, 2076], samples: samples)
                return "no error"
            } catch let error as ConfigError {
                return error.description.replacingOccurrences(of: fx.folder, with: "DIR")
            }
        }
        XCTAssertEqual(
            try check(),
            "DIR/exp.yaml:6:35: training.batch_size: a batch of 64 network inputs of 1×2076×2076 needs "
                + "1,103,302,656 bytes (1.0 GiB), expected at most 1,073,741,824 (1 GiB); lower batch_size or "
                + "the input size (random_crop size and padding, data.resize)")
        XCTAssertEqual(try check(["training.batch_size=32"]), "no error")
        // The batch is never larger than the training set.
        XCTAssertEqual(try check(samples: 2), "no error")
        // Through checkedNetwork, before the network is built: 64 images are refused, 2 pass.
        let c = try fx.load(text)
        XCTAssertNoThrow(try c.checkedNetwork(train: try c.makeTrainDataset(), test: nil))
        let images = IDXArray(dimensions: [64, 28, 28], values: [UInt8](repeating: 7, count: 64 * 28 * 28))
        try images.write(to: fx.folder + "/data/tiny-images.idx")
        try IDXArray(dimensions: [64], values: (0..<64).map { UInt8($0 % 2) })
            .write(to: fx.folder + "/data/tiny-labels.idx")
        XCTAssertThrowsError(try c.checkedNetwork(train: try c.makeTrainDataset(), test: nil)) { error in
            XCTAssertTrue(
                "\(error)".contains("training.batch_size: a batch of 64 network inputs"), "\(error)")
        }
        // Holding out 32 of the 64 for validation leaves batches of 32 training images: accepted.
        XCTAssertNoThrow(
            try c.checkedNetwork(
                train: try c.makeTrainDataset(), test: nil, split: (train: 32, validation: 32)))
    }

    func testEveryChunkReplicaCountsInTheMemoryTotal() throws {
        // The trial's chunk-mem.yaml: 784 → 8192 → 10 dense, batch 64, chunk 1 peaked at 1.77 GB
        // (263 MB with chunk 16): one replica per chunk, each with its own gradients.
        try writeTinyIDX()
        let text = """
            name: mem
            data:
              train: {format: idx, images: data/tiny-images.idx, labels: data/tiny-labels.idx}
            model: [flatten, dense: {units: 8192}, dense: {units: 10}]
            training: {epochs: 1, batch_size: 64, chunk: 1}

            """
        let c = try fx.load(text)
        let m = try XCTUnwrap(
            c.memoryEstimate(inputShape: [1, 28, 28], trainingSamples: 540, evaluationSamples: 60))
        // 6,512,650 parameters; per sample 784 input floats + 2·(8192 + 10) outputs and gradients.
        XCTAssertEqual(m.replicas, 64)
        XCTAssertEqual(m.perReplica, 4 * (6_512_650 + 784 + 2 * 8202))
        XCTAssertEqual(m.master, 4 * 6_512_650 * 3)  // weights, gradients, SGD momentum
        XCTAssertEqual(m.batches, 64 * 784 * 4 * 5)  // prefetch max(2, 2·2 workers) + 1
        XCTAssertEqual(m.total, 1_750_793_848)
        let sixteen = try XCTUnwrap(
            try fx.load(text, overrides: ["training.chunk=16"])
                .memoryEstimate(inputShape: [1, 28, 28], trainingSamples: 540, evaluationSamples: 0))
        XCTAssertEqual(sixteen.replicas, 4)
        // A training split of 2 needs 2 replicas, but evaluating 60 images in batches of 64 uses a
        // group of 4·threads = 4.
        let small = try fx.load(text, overrides: ["training.threads=1"])
        XCTAssertEqual(
            small.memoryEstimate(inputShape: [1, 28, 28], trainingSamples: 2, evaluationSamples: 0)?.replicas,
            2)
        XCTAssertEqual(
            small.memoryEstimate(inputShape: [1, 28, 28], trainingSamples: 2, evaluationSamples: 60)?
                .replicas, 4)

        // Four times the units (26,050,570 parameters): 64 replicas of 99.6 MiB are refused, naming
        // the keys; chunk 16 passes.
        let wide = text.replacingOccurrences(of: "8192", with: "32768")
        let refused = try fx.load(wide)
        XCTAssertThrowsError(
            try refused.checkMemory(inputShape: [1, 28, 28], trainingSamples: 540, evaluationSamples: 60)
        ) { error in
            XCTAssertEqual(
                "\(error)".replacingOccurrences(of: self.fx.folder, with: "DIR"),
                "DIR/exp.yaml:5:35: training.batch_size: the run would need about 6.5 GiB: 64 network replicas "
                    + "(one per chunk of 1 samples of a batch of 64) of 99.6 MiB each (gradients and buffers), "
                    + "298.1 MiB of weights, gradients and optimizer state, 980.0 KiB of input batches in flight; "
                    + "expected at most 4 GiB; raise training.chunk (fewer replicas), lower training.batch_size or "
                    + "training.workers, or shrink the model or its input (units, filters, random_crop size and "
                    + "padding, data.resize)")
        }
        XCTAssertNoThrow(
            try fx.load(wide, overrides: ["training.chunk=16"])
                .checkMemory(inputShape: [1, 28, 28], trainingSamples: 540, evaluationSamples: 60))
        // checkedNetwork runs the check before building (the 2-image set trains in 2 replicas, but
        // the 64 of a batch from a 600-image split would not).
        XCTAssertNoThrow(try refused.checkedNetwork(train: try refused.makeTrainDataset(), test: nil))
        XCTAssertThrowsError(
            try refused.checkedNetwork(train: try refused.makeTrainDataset(), test: nil, split: (540, 60)))
    }

    func testLeNetSizedNetworksPassTheSizeCheck() throws {
        XCTAssertEqual(
            try sizeError(
                "  - conv: {filters: 6, kernel: 5, padding: 2}\n  - relu\n  - subsample: {size: 2}\n"
                    + "  - flatten\n  - dense: {units: 10}"),
            "no error")
    }

    func testLayerKindsUseTheExperimentFileNames() throws {
        let c = try fx.load(
            ConfigFixture.minimal.replacingOccurrences(of: "- flatten", with: "- flatten\n  - scaled_tanh"))
        XCTAssertEqual(c.makeLayerSpecs().map(\.kind), ["flatten", "scaled_tanh", "dense"])
    }

    func testSaturatingArithmeticNeverOverflows() {
        XCTAssertEqual(sat(Int.max, plus: 1), Int.max)
        XCTAssertEqual(sat(Int.max / 2 + 1, times: 2), Int.max)
        XCTAssertEqual(sat(3, times: 4), 12)
        XCTAssertEqual(ExperimentConfig.grouped(268_435_456), "268,435,456")
        XCTAssertEqual(ExperimentConfig.bytesText(8_127_606_784), "7.6 GiB")
    }
}

extension ConfigLimitsTests {
    func testHexAndOctalIntegersTooLargeForIntSayWhy() {
        let note = "(integers are at most 2^63 − 1 = 9223372036854775807)"
        XCTAssertEqual(
            fx.errors(
                ConfigFixture.minimal
                    + "training: {epochs: 0xFFFFFFFFFFFFFFFFF, chunk: 0o7777777777777777777777}\n"),
            [
                "DIR/exp.yaml:7:20: training.epochs: expected an integer in [1, 1000000] \(note), "
                    + "found 0xFFFFFFFFFFFFFFFFF",
                "DIR/exp.yaml:7:48: training.chunk: expected an integer in [1, 4096] \(note), "
                    + "found 0o7777777777777777777777",
            ])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal, overrides: ["training.epochs=0xFFFFFFFFFFFFFFFFF"]),
            [
                "--set training.epochs=0xFFFFFFFFFFFFFFFFF: training.epochs: expected an integer in [1, 1000000] "
                    + "\(note), found 0xFFFFFFFFFFFFFFFFF"
            ])
        XCTAssertEqual(try fx.load(ConfigFixture.minimal + "training: {epochs: 0x1F}\n").training.epochs, 31)
    }
}
