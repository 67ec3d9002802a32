import Foundation
import WorkbenchData
import XCTest

@testable import WorkbenchExperiments

/// `TrainingSetup.make` checks the opened data before anything trains: test classes are numbered as
/// the training classes (or refused when unknown), and the validation split leaves something to
/// validate and to train on.
final class TrainingSetupDataTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    /// `root/<class>/<i>.png`, 1×1 grey images whose value is `value(class)` so a sample tells its folder.
    func folder(_ root: String, _ classes: [String], images: Int = 2) throws {
        for name in classes {
            try FileManager.default.createDirectory(
                atPath: "\(fx.folder)/\(root)/\(name)", withIntermediateDirectories: true)
            for i in 0..<images {
                try PNG.write(
                    Image(channels: 1, height: 1, width: 1, fill: Self.value(name)),
                    to: "\(fx.folder)/\(root)/\(name)/\(i).png")
            }
        }
    }

    /// A distinct 8-bit grey value per class name.
    static func value(_ name: String) -> Float {
        Float(name.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 200 + 20) / 255
    }

    /// 1×1 uint8 IDX images (value = label · 10) with the given labels.
    func idx(_ name: String, labels: [UInt8]) throws {
        try IDXArray(dimensions: [labels.count, 1, 1], values: labels.map { $0 * 10 })
            .write(to: "\(fx.folder)/\(name)-images")
        try IDXArray(dimensions: [labels.count], values: labels).write(to: "\(fx.folder)/\(name)-labels")
    }

    func config(
        train: String, test: String?, units: Int = 4,
        training: String = "{epochs: 1, batch_size: 2, threads: 1, workers: 0}"
    ) throws -> ExperimentConfig {
        func source(_ s: String) -> String {
            s.hasPrefix("idx:")
                ? "{format: idx, images: \(s.dropFirst(4))-images, labels: \(s.dropFirst(4))-labels}"
                : "{format: folder, path: \(s)}"
        }
        return try fx.load(
            """
            name: setup
            data:
              train: \(source(train))
            \(test.map { "  test: " + source($0) } ?? "")
            model:
              - flatten
              - dense: {units: \(units)}
            training: \(training)
            """)
    }

    func failure(_ c: ExperimentConfig) -> String {
        do {
            _ = try TrainingSetup.make(c)
            return "no error"
        } catch {
            return "\(error)".replacingOccurrences(of: fx.folder, with: "DIR")
        }
    }

    /// (label, first pixel) of every test sample, in order.
    func testSamples(_ c: ExperimentConfig) throws -> [(label: Int, value: Float)] {
        let data = try XCTUnwrap(TrainingSetup.make(c).plan.test).dataset
        return try (0..<data.count).map { i in
            let s = try data.sample(at: i)
            return (s.label, s.image.pixels[0])
        }
    }

    // MARK: classes

    func testFolderTestClassNotInTrainingIsAnErrorNamingBothFolders() throws {
        try folder("ok", ["a", "b"])
        try folder("other", ["b", "c"])
        XCTAssertEqual(
            failure(try config(train: "ok", test: "other")),
            "DIR/exp.yaml:4:9: data.test: test class c of folder DIR/other (data.test) is not among the training "
                + "classes; expected every test class to be a training class (matched by folder name), found "
                + "training classes a, b in folder DIR/ok (data.train) and test classes b, c")
    }

    func testFolderTestWithFewerClassesIsNumberedByName() throws {
        try folder("train", ["a", "b", "c"])
        try folder("test", ["a", "c"], images: 1)
        let samples = try testSamples(try config(train: "train", test: "test"))
        // Opened on its own, "c" would be label 1 ("b" in training).
        XCTAssertEqual(samples.map(\.label), [0, 2])
        XCTAssertEqual(samples.map(\.value), [Self.value("a"), Self.value("c")])
    }

    func testSameFolderClassesKeepTheTestSetAsIs() throws {
        try folder("train", ["a", "b"])
        try folder("test", ["a", "b"], images: 1)
        let setup = try TrainingSetup.make(try config(train: "train", test: "test"))
        XCTAssertTrue(setup.plan.test?.dataset is ImageFolderDataset)
    }

    func testIDXTrainingAndFolderTestMatchByLabelNumber() throws {
        try idx("train", labels: [0, 1, 2, 3])
        try folder("test", ["01", "03"], images: 1)  // zero-padded, as export-png writes 10 or more classes
        let samples = try testSamples(try config(train: "idx:train", test: "test"))
        XCTAssertEqual(samples.map(\.label), [1, 3])

        try folder("named", ["cat", "dog"])
        XCTAssertEqual(
            failure(try config(train: "idx:train", test: "named")),
            "DIR/exp.yaml:4:9: data.test: folder DIR/named (data.test) has class folders cat, dog that are not label "
                + "numbers; the other set is IDX, whose labels are numbers, so expected class folders named "
                + "by label number (as `workbench data export-png` writes them) to match them by")

        try folder("beyond", ["3", "4"], images: 1)
        XCTAssertEqual(
            failure(try config(train: "idx:train", test: "beyond", units: 5)),
            "DIR/exp.yaml:4:9: data.test: test class 4 of folder DIR/beyond (data.test) is not among the training "
                + "classes; expected every test class to be a training class (matched by label number), "
                + "found training classes 0, 1, 2, 3 in IDX file DIR/train-labels (data.train.labels) and "
                + "test classes 3, 4")

        // "3" and "03" are one label number: an error, as on the training side (it was merged).
        try folder("twice", ["03", "3"], images: 1)
        XCTAssertEqual(
            failure(try config(train: "idx:train", test: "twice")),
            "DIR/exp.yaml:4:9: data.test: folder DIR/twice (data.test) has classes '03' and '3', which are the "
                + "same label number; expected one class folder per label")
    }

    func testFolderTrainingAndIDXTestMatchByLabelNumber() throws {
        try folder("train", ["1", "2", "5"])
        try idx("test", labels: [5, 1, 5])
        let samples = try testSamples(try config(train: "train", test: "idx:test", units: 6))
        XCTAssertEqual(samples.map(\.label), [2, 0, 2])
        XCTAssertEqual(samples.map(\.value), [50 / 255, 10 / 255, 50 / 255])

        try idx("seven", labels: [1, 7])
        XCTAssertEqual(
            failure(try config(train: "train", test: "idx:seven", units: 8)),
            "DIR/exp.yaml:4:9: data.test: test class 7 of IDX file DIR/seven-labels (data.test.labels) is not among the "
                + "training classes; expected every test class to be a training class (matched by label "
                + "number), found training classes 1, 2, 5 in folder DIR/train (data.train) and test classes "
                + "1, 7")

        try folder("letters", ["a", "b"])
        XCTAssertTrue(
            failure(try config(train: "letters", test: "idx:test", units: 6)).hasPrefix(
                "DIR/exp.yaml:3:10: data.train: folder DIR/letters (data.train) has class folders a, b that are not "
                    + "label numbers"
            ))
    }

    func testTwoIDXSetsShareTheirLabelNumbers() throws {
        try idx("train", labels: [0, 1, 0, 1])
        try idx("test", labels: [2, 0])
        let samples = try testSamples(try config(train: "idx:train", test: "idx:test", units: 3))
        XCTAssertEqual(samples.map(\.label), [2, 0])
    }

    func testLabelsBeyondTheOutputsNameTheSets() throws {
        try idx("train", labels: [0, 1, 0, 1])
        try idx("test", labels: [4, 0])
        XCTAssertEqual(
            failure(try config(train: "idx:train", test: "idx:test", units: 2)),
            "DIR/exp.yaml:7:5: model[1].dense: expected at least 5 outputs, one per class (data.train: "
                + "labels 0…1; data.test: labels 0…4), found 2")
        try folder("train3", ["a", "b", "c"])
        XCTAssertEqual(
            failure(try config(train: "train3", test: nil, units: 2)),
            "DIR/exp.yaml:7:5: model[1].dense: expected at least 3 outputs, one per class (data.train: 3 "
                + "classes), found 2")
    }

    // MARK: split

    func testValidationThatTakesEverySampleOrNoneIsAnError() throws {
        try idx("train", labels: [UInt8](repeating: 1, count: 600))
        XCTAssertEqual(
            failure(try config(train: "idx:train", test: nil).withValidation(0.9999)),
            "setup: data.validation: 0.9999 of the 600 images of IDX file DIR/train-images "
                + "(data.train.images) holds out 600 for validation, leaving 0 to train on; expected a "
                + "fraction that leaves at least 1 training image (below 599.5/600, i.e. 0.999166 or less "
                + "here)")
        XCTAssertEqual(
            failure(try config(train: "idx:train", test: nil).withValidation(0.0001)),
            "setup: data.validation: 0.0001 of the 600 images of IDX file DIR/train-images "
                + "(data.train.images) is 0.06, which rounds to 0 validation images; expected a fraction "
                + "that holds out at least 1 image (at least 0.5/600, i.e. 0.000833334 or more here), or 0 "
                + "for no validation split")
        // The suggested bounds are exactly where the split's rounding changes: each is accepted, and
        // the next number at that precision is refused.
        func split(_ f: Double) throws -> (train: Int, validation: Int) {
            let plan = try TrainingSetup.make(try config(train: "idx:train", test: nil).withValidation(f))
                .plan
            return (plan.train.dataset.count, plan.validation?.dataset.count ?? 0)
        }
        XCTAssertEqual(try split(0.999166).train, 1)
        XCTAssertEqual(try split(0.99916).train, 1)
        XCTAssertTrue(
            failure(try config(train: "idx:train", test: nil).withValidation(0.999167)).contains(
                "leaving 0 to train on"))
        XCTAssertEqual(try split(0.000833334).validation, 1)
        XCTAssertEqual(try split(0.00083334).validation, 1)
        XCTAssertTrue(
            failure(try config(train: "idx:train", test: nil).withValidation(0.000833333)).contains(
                "rounds to 0 validation images"))
        XCTAssertEqual(TrainingSetup.validationBound(full: 7, lowest: true), "0.0714286")
        XCTAssertEqual(TrainingSetup.validationBound(full: 7, lowest: false), "0.928571")
        // Written in the file, the error names the key's line and column.
        let written = try fx.load(
            """
            name: split
            data:
              train: {format: idx, images: train-images, labels: train-labels}
              validation: 0.0001
            model: [flatten, {dense: {units: 2}}]
            """)
        XCTAssertTrue(
            failure(written).hasPrefix("DIR/exp.yaml:4:15: data.validation: 0.0001 of the 600"),
            failure(written))
        XCTAssertNil(
            try TrainingSetup.make(try config(train: "idx:train", test: nil).withValidation(0))
                .plan.validation)
    }

    func testValidationAndTestImagesAreCentreCroppedToTheTrainingCropSize() throws {
        // 8 images of 4×4, pixel value = image · 16 + pixel index (out of 255); crop 2 → network 2×2.
        let pixels = (0..<8).flatMap { i in (0..<16).map { UInt8(i * 16 + $0) } }
        try IDXArray(dimensions: [8, 4, 4], values: pixels).write(to: "\(fx.folder)/crop-images")
        try IDXArray(dimensions: [8], values: [UInt8](repeating: 1, count: 8)).write(
            to: "\(fx.folder)/crop-labels")
        let c = try fx.load(
            """
            name: crop
            data:
              train: {format: idx, images: crop-images, labels: crop-labels}
              test: {format: idx, images: crop-images, labels: crop-labels}
              validation: 0.5
            augment: [{random_crop: {size: 2}}]
            model: [flatten, {dense: {units: 2}}]
            training: {epochs: 1, batch_size: 4, threads: 1, workers: 0}
            """)
        let setup = try TrainingSetup.make(c)
        let model = try XCTUnwrap(setup.model as? NetworkModel)
        let trainer = model.trainer
        XCTAssertEqual(trainer.network.inputShape, [1, 2, 2])
        for stream in [try XCTUnwrap(setup.plan.validation), try XCTUnwrap(setup.plan.test)] {
            XCTAssertEqual(stream.imageShape.height, 2)
            let batch = try XCTUnwrap(try stream.epoch(0).makeIterator().nextBatch())
            XCTAssertEqual(batch.images.count, batch.count * 4)
            // The centre window of 4×4 is pixels 5, 6, 9, 10.
            for s in 0..<batch.count {
                let image = try stream.dataset.sample(at: s).image
                XCTAssertEqual(
                    Array(batch.images[(s * 4)..<(s * 4 + 4)]), [5, 6, 9, 10].map { image.pixels[$0] })
            }
            let result = trainer.evaluate(images: batch.images, labels: batch.labels, loss: model.loss)
            XCTAssertEqual(result.count, batch.count)
        }
    }

    func testDropLastWithABatchLargerThanTheTrainingSplitIsAnError() throws {
        try idx("train", labels: [UInt8](repeating: 0, count: 10))
        let c = try config(
            train: "idx:train", test: nil,
            training: "{epochs: 1, batch_size: 9, drop_last: true, threads: 1, workers: 0}")
        XCTAssertEqual(
            failure(c.withValidation(0.2)),
            "DIR/exp.yaml:8:35: training.batch_size: 9 with training.drop_last: true gives 0 training batches per epoch: "
                + "the training split has 8 images (10 minus 2 held out by data.validation: 0.2); expected "
                + "batch_size at most 8, or drop_last: false")
        XCTAssertEqual(try TrainingSetup.make(c).plan.train.batchesPerEpoch, 1)  // 10 images, no validation
    }
}

extension ExperimentConfig {
    /// This config with `data.validation` set to `fraction`.
    func withValidation(_ fraction: Double) -> ExperimentConfig {
        var c = self
        c.data.validation = fraction
        return c
    }
}
