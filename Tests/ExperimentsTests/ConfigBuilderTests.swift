import WorkbenchData
import WorkbenchModel
import XCTest

@testable import WorkbenchExperiments

/// The config maps onto the model's optimizers, losses and schedules and the data layer's datasets,
/// augmentations and normalisation with the values written in the file.
final class ConfigBuilderTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    func testOptimizersCarryTheirHyperParameters() throws {
        let sgd = try fx.load(
            ConfigFixture.minimal + "optimizer: {name: sgd, momentum: 0.9, nesterov: true, "
                + "weight_decay: 5e-4, clip_norm: 2}\n")
        let s = try XCTUnwrap(sgd.makeOptimizer() as? SGD)
        XCTAssertEqual(s.momentum, 0.9)
        XCTAssertTrue(s.nesterov)
        XCTAssertEqual(s.weightDecay, 5e-4)
        XCTAssertEqual(sgd.optimizer.clipNorm, 2)
        let adam = try fx.load(ConfigFixture.minimal + "optimizer: {name: adam, betas: [0.8, 0.99]}\n")
        XCTAssertTrue(adam.makeOptimizer() is Adam)
        XCTAssertNil(adam.optimizer.clipNorm)
        XCTAssertTrue(try fx.load(ConfigFixture.minimal + "optimizer: adamw\n").makeOptimizer() is AdamW)
        XCTAssertTrue(try fx.load(ConfigFixture.minimal + "optimizer: rmsprop\n").makeOptimizer() is RMSprop)
    }

    func testLosses() throws {
        let ce = try XCTUnwrap(
            try fx.load(ConfigFixture.minimal + "loss: {name: cross_entropy, label_smoothing: 0.1}\n")
                .makeLoss() as? SoftmaxCrossEntropy)
        XCTAssertEqual(ce, SoftmaxCrossEntropy(labelSmoothing: 0.1))
        XCTAssertTrue(try fx.load(ConfigFixture.minimal + "loss: mse\n").makeLoss() is MeanSquaredError)
        XCTAssertTrue(try fx.load(ConfigFixture.minimal + "loss: nll\n").makeLoss() is NegativeLogLikelihood)
    }

    func testSchedulesGiveTheHandComputedRates() throws {
        func rates(_ schedule: String, epochs: Int = 4, steps: [Int]) throws -> [Float] {
            let c = try fx.load(
                ConfigFixture.minimal + "optimizer: {lr: 0.1}\ntraining: {epochs: \(epochs)}\n"
                    + "schedule: \(schedule)\n")
            let s = c.makeSchedule()
            return steps.map { s.learningRate(atStep: $0, stepsPerEpoch: 10) }
        }
        func close(_ a: [Float], _ b: [Double], line: UInt = #line) {
            XCTAssertEqual(a.count, b.count, line: line)
            for (x, y) in zip(a, b) { XCTAssertEqual(Double(x), y, accuracy: 1e-6, line: line) }
        }
        close(try rates("constant", steps: [0, 39]), [0.1, 0.1])
        close(
            try rates("{name: step, every: 2, gamma: 0.5}", steps: [0, 19, 20, 39]), [0.1, 0.1, 0.05, 0.05])
        close(
            try rates("{name: multistep, milestones: [1, 3]}", steps: [9, 10, 29, 30]),
            [0.1, 0.01, 0.01, 0.001])
        close(try rates("{name: exponential, gamma: 0.5}", steps: [0, 10, 20]), [0.1, 0.05, 0.025])
        // Cosine from 0.1 to 0 over 40 steps: halfway is 0.05.
        close(try rates("{name: cosine}", steps: [0, 20]), [0.1, 0.05])
        // One-cycle starts at max_lr / 25 and peaks at max_lr after pct_start of the steps.
        close(try rates("{name: onecycle, max_lr: 1, pct_start: 0.25}", steps: [0, 9]), [0.04, 1])
        // Warm-up over one epoch (10 steps) from 1/3 of the rate: step 0 → 0.1/3, step 5 → 0.1·(1/3 + 2/3·0.5).
        close(try rates("{name: constant, warmup: 1}", steps: [0, 5, 10]), [0.1 / 3, 0.1 * 2 / 3, 0.1])
    }

    func testAugmentationsAndNormalisation() throws {
        let c = try fx.load(
            """
            name: aug
            model: [flatten, {dense: {units: 2}}]
            augment:
              - random_crop: {size: 28, padding: 2}
              - hflip: {p: 0.25}
              - affine: {degrees: 10, translate: 0.1, scale: [0.9, 1.1], shear: 5}
              - erase: {p: 0.5, area: [0.02, 0.2], aspect: [0.3, 3.3], value: 0}
              - color: {brightness: 0.2, contrast: 1.5}
              - noise: {std: 0.05}
              - elastic
            data:
              train: {format: idx, images: data/train-images.gz, labels: data/train-labels.gz}
              normalize: {mean: 0.5, std: 0.25}

            """)
        let steps = c.makeAugmentation().steps
        XCTAssertEqual(steps.count, 7)
        let crop = try XCTUnwrap(steps[0] as? RandomCrop)
        XCTAssertEqual([crop.height, crop.width, crop.padding], [28, 28, 2])
        XCTAssertEqual((steps[1] as? HorizontalFlip)?.probability, 0.25)
        let affine = try XCTUnwrap(steps[2] as? RandomAffine)
        XCTAssertEqual(affine.degrees, -10...10)
        XCTAssertEqual(affine.scale, 0.9...1.1)
        XCTAssertEqual(affine.shear, -5...5)
        XCTAssertEqual(affine.translate.x, 0.1)
        XCTAssertEqual((steps[3] as? RandomErasing)?.area, 0.02...0.2)
        let color = try XCTUnwrap(steps[4] as? BrightnessContrast)
        XCTAssertEqual(color.brightness, 0.8...1.2)
        XCTAssertEqual(color.contrast, 0...2.5, "the lower factor is clamped at 0")
        XCTAssertEqual((steps[5] as? GaussianNoise)?.std, 0.05)
        XCTAssertEqual((steps[6] as? ElasticDistortion)?.alpha, 34)
        XCTAssertEqual(c.makeNormalization(), Normalization(mean: [0.5], std: [0.25]))
    }
}

extension ConfigBuilderTests {
    func testIDXDatasetsOpenFromTheResolvedPaths() throws {
        let images = IDXArray(dimensions: [3, 4, 4], values: (0..<48).map { UInt8($0 * 5) })
        let labels = IDXArray(dimensions: [3], values: [UInt8(2), 0, 1])
        try images.write(to: fx.folder + "/data/tiny-images.idx")
        try labels.write(to: fx.folder + "/data/tiny-labels.idx")
        let text = """
            name: idx
            data:
              train: {format: idx, images: data/tiny-images.idx, labels: data/tiny-labels.idx}
              test: {format: idx, images: data/tiny-images.idx, labels: data/tiny-labels.idx}
            model: [flatten, {dense: {units: 3}}]

            """
        let c = try fx.load(text)
        let train = try c.makeTrainDataset()
        XCTAssertEqual(train.count, 3)
        XCTAssertEqual(train.sampleShape.height, 4)
        XCTAssertEqual(try train.sample(at: 0).label, 2)
        XCTAssertEqual(try c.makeTestDataset()?.count, 3)
        XCTAssertNil(c.makeNormalization())
        XCTAssertTrue(c.makeAugmentation().steps.isEmpty)

        XCTAssertNil(c.splitValidation(train).validation, "validation 0 keeps every sample for training")
        XCTAssertEqual(c.splitValidation(train).train.count, 3)
        let held = try fx.load(text.replacingOccurrences(of: "  test:", with: "  validation: 0.34\n  test:"))
        let parts = held.splitValidation(try held.makeTrainDataset())
        XCTAssertEqual(parts.train.count, 2)
        XCTAssertEqual(parts.validation?.count, 1, "round(0.34 × 3) = 1 sample held out")
        let again = held.splitValidation(try held.makeTrainDataset())
        XCTAssertEqual(try parts.validation?.sample(at: 0).label, try again.validation?.sample(at: 0).label)

        let rgb = try fx.load(text.replacingOccurrences(of: "  test:", with: "  channels: 3\n  test:"))
        XCTAssertThrowsError(try rgb.makeTrainDataset()) { error in
            XCTAssertEqual(
                "\(error)",
                "idx: data.train: expected 3-channel images (data.channels), found 1 channels in "
                    + fx.folder + "/data/tiny-images.idx")
        }
    }
}
