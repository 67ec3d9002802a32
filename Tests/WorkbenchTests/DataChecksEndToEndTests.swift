import Foundation
import XCTest

/// Data a new user can get wrong, through the built binary: non-finite float IDX files, test classes
/// that are not training classes, splits without a training batch or a validation sample, and
/// exports into a folder that already holds one. Each is a clear message, and nothing trains.
final class DataChecksEndToEndTests: TinyExperimentTestCase {
    /// A big-endian float32 IDX images file of `count` 2×2 images holding `values` (repeated).
    func writeFloatIDX(_ name: String, count: Int, side: Int = 2, values: [Float]) throws -> String {
        func bigEndian(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        let s = UInt32(side)
        var bytes: [UInt8] = [0, 0, 0x0D, 3] + bigEndian(UInt32(count)) + bigEndian(s) + bigEndian(s)
        for i in 0..<(count * side * side) { bytes += bigEndian(values[i % values.count].bitPattern) }
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func testInspectCountsInfinitiesAndRunRefusesThem() throws {
        // The trial's repro: 4 images of 2×2, every value +inf; `data inspect` trapped on it.
        let inf = try writeFloatIDX("f32-inf", count: 4, values: [.infinity])
        let report = try BuiltBinary.run(["data", "inspect", inf])
        XCTAssertEqual(report.status, 0, report.err)
        XCTAssertTrue(report.out.contains("value range:  none (no finite values)\n"), report.out)
        XCTAssertTrue(
            report.out.contains("non-finite:   16 of 16 values (0 NaN, 16 +inf, 0 -inf)\n"), report.out)
        let big = try BuiltBinary.run([
            "data", "inspect", try writeFloatIDX("f32-big", count: 4, values: [3e38]),
        ])
        XCTAssertEqual(big.status, 0, big.err)
        XCTAssertTrue(big.out.contains("mean:         3.0000000054977558e+38\n"), big.out)

        // Training on 48 float images of 6×6 (the test images' size), one value NaN, fails at load
        // naming the file and the pixel.
        var values = [Float](repeating: 0.5, count: 48 * 36)
        values[5 * 36 + 6 + 3] = .nan
        let nan = try writeFloatIDX("f32-nan", count: 48, side: 6, values: values)
        let file = try tiny.write(
            TinyExperiment.basic.replacingOccurrences(of: "train-images.idx", with: "f32-nan"))
        let run = try BuiltBinary.run(["run", file])
        XCTAssertEqual(run.status, 1, run.err)
        XCTAssertEqual(
            run.err,
            "error: \(nan): image 5 (row 1, column 3) holds nan; expected finite float32 values (float "
                + "images reach the network as stored), found 1 NaN or infinite value among 1728\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tiny.store.path), "a run folder was created")
    }

    func testSizeChangingCropsRunAndGradcheckWithCentreCroppedEvaluationImages() throws {
        // The trial's repro: a crop that changes the 6×6 images to 4×4 (or pads them to 8×8) with a
        // validation split trapped in validation (exit 132), and gradcheck trapped on every such crop.
        for crop in ["{size: 4}", "{size: 8, padding: 1}"] {
            let file = try tiny.write(
                TinyExperiment.basic.replacingOccurrences(
                    of: "  test: {", with: "  validation: 0.25\n  test: {")
                    + "augment: [{random_crop: \(crop)}]\n")
            let run = try BuiltBinary.run(["run", file, "--store", tiny.store.path])
            XCTAssertEqual(run.status, 0, crop + run.err)
            // Both epochs have a validation loss and accuracy.
            let id = run.out.trimmingCharacters(in: .whitespacesAndNewlines)
            let csv = try String(
                contentsOf: tiny.store.appendingPathComponent(id).appendingPathComponent("epochs.csv"),
                encoding: .utf8)
            let rows = csv.split(separator: "\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false)
            }
            let column = try XCTUnwrap(rows[0].firstIndex(of: "val_acc"), csv)
            XCTAssertEqual(rows.count, 3, csv)
            for row in rows.dropFirst() { XCTAssertNotNil(Double(row[column]), csv) }
            let check = try BuiltBinary.run(["gradcheck", file])
            XCTAssertTrue([0, 1].contains(check.status), crop + check.err)
            XCTAssertTrue(check.out.contains("gradient check on 4 samples"), check.out)
        }
    }

    func testTestFolderWithAClassTrainingLacksFailsBeforeTraining() throws {
        let train = dir.appendingPathComponent("train-png").path
        let test = dir.appendingPathComponent("test-png").path
        for (split, out) in [("train", train), ("test", test)] {
            let export = try BuiltBinary.run([
                "data", "export-png", dir.appendingPathComponent("\(split)-images.idx").path,
                dir.appendingPathComponent("\(split)-labels.idx").path, out,
            ])
            XCTAssertEqual(export.status, 0, export.err)
        }
        // Test classes {0, 1, 7}: "7" would have been read as label 2.
        try FileManager.default.moveItem(atPath: test + "/2", toPath: test + "/7")
        let yaml = TinyExperiment.basic.replacingOccurrences(
            of: TinyExperiment.dataBlock,
            with:
                "data:\n  train: {format: folder, path: train-png}\n  test: {format: folder, path: test-png}")
        let file = try tiny.write(yaml)
        let run = try BuiltBinary.run(["run", file])
        XCTAssertEqual(run.status, 1, run.err)
        XCTAssertEqual(
            run.err,
            "error: \(file):5:9: data.test: test class 7 of folder \(test) (data.test) is not among the training "
                + "classes; expected every test class to be a training class (matched by folder name), found "
                + "training classes 0, 1, 2 in folder \(train) (data.train) and test classes 0, 1, 7\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tiny.store.path), "a run folder was created")

        // IDX training and a test folder with classes {0, 2}: matched by label number, "2" stays label 2
        // (numbered on its own it would be label 1), so the easily learnt tiny classes score 100%
        // rather than the 50% a renumbered "2" would give.
        try FileManager.default.moveItem(atPath: test + "/7", toPath: test + "/2")
        try FileManager.default.removeItem(atPath: test + "/1")
        let mixed = try tiny.write(
            TinyExperiment.basic.replacingOccurrences(
                of: "test: {format: idx, images: test-images.idx, labels: test-labels.idx}",
                with: "test: {format: folder, path: test-png}"), name: "mixed.yaml")
        let ok = try BuiltBinary.run(["run", mixed])
        XCTAssertEqual(ok.status, 0, ok.err)
        let id = ok.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let summary = tiny.store.appendingPathComponent(id).appendingPathComponent("summary.json")
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as? [String: Any])
        XCTAssertEqual((json["final"] as? [String: Any])?["test_acc"] as? Double, 1, "\(json)")
    }

    func testZeroTrainingBatchesIsAnErrorForRunGradcheckAndBench() throws {
        let file = try tiny.write(TinyExperiment.basic)
        // 48 training images: 0.9999 holds out all 48.
        let expected =
            "error: --set data.validation=0.9999: data.validation: 0.9999 of the 48 images of IDX file "
            + "\(dir.appendingPathComponent("train-images.idx").path) (data.train.images) holds out 48 for "
            + "validation, leaving 0 to train on; expected a fraction that leaves at least 1 training image "
            + "(below 47.5/48, i.e. 0.989583 or less here)\n"
        for command in [["run"], ["gradcheck"], ["bench", "--experiment"]] {
            let result = try BuiltBinary.run(command + [file, "--set", "data.validation=0.9999"])
            XCTAssertEqual(result.status, 1, "\(command): \(result.err)")
            XCTAssertTrue(result.err.hasSuffix(expected), "\(command): \(result.err)")
            XCTAssertFalse(result.err.contains("drop_last"), "\(command): \(result.err)")
        }
        let tooFew = try BuiltBinary.run(["run", file, "--set", "data.validation=0.001"])
        XCTAssertEqual(tooFew.status, 1, tooFew.err)
        XCTAssertTrue(tooFew.err.contains("data.validation: 0.001 of the 48 images"), tooFew.err)
        XCTAssertTrue(tooFew.err.contains("is 0.048, which rounds to 0 validation images"), tooFew.err)

        let dropLast = try BuiltBinary.run([
            "run", file, "--set", "training.drop_last=true", "--set", "training.batch_size=100",
        ])
        XCTAssertEqual(dropLast.status, 1, dropLast.err)
        XCTAssertEqual(
            dropLast.err,
            "error: --set training.batch_size=100: training.batch_size: 100 with training.drop_last: true gives 0 training batches "
                + "per epoch: the training split has 48 images; expected batch_size at most 48, or "
                + "drop_last: false\n"
        )
        XCTAssertFalse(FileManager.default.fileExists(atPath: tiny.store.path), "a run folder was created")
    }

    func testExportIntoAFolderHoldingAnEarlierExportIsRefused() throws {
        let out = dir.appendingPathComponent("png").path
        let images = dir.appendingPathComponent("train-images.idx").path
        let labels = dir.appendingPathComponent("train-labels.idx").path
        XCTAssertEqual(try BuiltBinary.run(["data", "export-png", images, labels, out]).status, 0)
        let before = try FileManager.default.subpathsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(before.count, 3 + 48)
        let again = try BuiltBinary.run([
            "data", "export-png", dir.appendingPathComponent("test-images.idx").path,
            dir.appendingPathComponent("test-labels.idx").path, out,
        ])
        XCTAssertEqual(again.status, 1, again.err)
        XCTAssertEqual(
            again.err,
            "error: \(out): is not empty (3 entries: 0, 1, 2); expected a new or empty output folder, so "
                + "that two exports are never merged into one dataset; remove it or choose another folder\n")
        XCTAssertEqual(again.out, "")
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: out).sorted(), before)
        let help = try BuiltBinary.run(["data", "export-png", "--help"])
        XCTAssertTrue(help.out.contains("DIR must not exist yet or be empty"), help.out)
    }
}
