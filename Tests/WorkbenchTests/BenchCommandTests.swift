import Foundation
import XCTest

/// `workbench bench` through the built binary, on generated 28×28 IDX files.
final class BenchCommandTests: XCTestCase {
    /// Writes the four Fashion-MNIST file names (uncompressed) with band-pattern images.
    private func writeData(in dir: URL, train: Int, test: Int) throws {
        try TinyExperiment.writeIDX(
            dir.appendingPathComponent("train-images-idx3-ubyte"),
            dir.appendingPathComponent("train-labels-idx1-ubyte"), count: train, size: 28, seed: 1)
        try TinyExperiment.writeIDX(
            dir.appendingPathComponent("t10k-images-idx3-ubyte"),
            dir.appendingPathComponent("t10k-labels-idx1-ubyte"), count: test, size: 28, seed: 2)
    }

    func testJSONLineReportsMeasuredFiguresAndLearns() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeData(in: dir, train: 96, test: 30)
        let result = try BuiltBinary.run([
            "bench", "--model", "lenet5", "--threads", "2", "--batch", "16", "--epochs", "3",
            "--data", dir.path, "--json",
        ])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.out)
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any], result.out)
        XCTAssertEqual(json["model"] as? String, "lenet5")
        XCTAssertEqual(json["threads"] as? Int, 2)
        XCTAssertEqual(json["threads_used"] as? Int, min(2, ProcessInfo.processInfo.activeProcessorCount))
        XCTAssertEqual(json["batch"] as? Int, 16)
        XCTAssertEqual(json["chunks_per_batch"] as? Int, 1, "batch 16 in chunks of 16")
        XCTAssertEqual(json["train_images"] as? Int, 96)
        XCTAssertGreaterThan(try XCTUnwrap(json["train_img_s_median_step"] as? Double), 0)
        // Hand count: conv 239,904 + relu 4,704 + pool 4,704 + conv 481,600 + relu 1,600 + pool 1,600
        // + dense 96,120 + relu 120 + dense 20,244 + relu 84 + dense 1,690.
        XCTAssertEqual(json["forward_flops"] as? Int, 852_370)
        for key in ["train_img_s", "infer_img_s", "train_gflop_s", "gemm_ceiling_gflop_s", "peak_rss_mib"] {
            let value = try XCTUnwrap(json[key] as? Double, key)
            XCTAssertGreaterThan(value, 0, key)
        }
        let rate = try XCTUnwrap(json["train_img_s"] as? Double)
        let gflops = try XCTUnwrap(json["train_gflop_s"] as? Double)
        XCTAssertEqual(gflops, 3 * 852_370 * rate / 1e9, accuracy: 1e-6 * gflops)
        // Training CPU time: positive, and CPU/wall = CPU seconds / wall seconds (wall = 288 images / rate);
        // two workers cannot use more than two cores (0.5 of slack for the clocks' granularity).
        let cpu = try XCTUnwrap(json["train_cpu_s"] as? Double)
        let cpuPerWall = try XCTUnwrap(json["train_cpu_per_wall"] as? Double)
        XCTAssertGreaterThan(cpu, 0)
        XCTAssertEqual(cpuPerWall, cpu / (3 * 96 / rate), accuracy: 1e-6 * cpuPerWall)
        XCTAssertLessThan(cpuPerWall, 2.5)
        let accuracy = try XCTUnwrap(json["test_acc"] as? [Double])
        XCTAssertEqual(accuracy.count, 3)
        // Three classes told apart by which row band is bright: easy after 18 steps.
        XCTAssertGreaterThan(accuracy.last!, 0.9, "\(accuracy)")
        XCTAssertFalse((json["openblas_core"] as? String ?? "").isEmpty)
    }

    /// `--chunk` sets the trainer's unit of parallel work; results stay the same for 1 and 2 threads.
    func testChunkOptionIsRecordedAndThreadCountKeepsTheResult() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeData(in: dir, train: 48, test: 20)
        var accuracies: [[Double]] = []
        for threads in ["1", "2"] {
            let result = try BuiltBinary.run([
                "bench", "--model", "lenet5", "--threads", threads, "--batch", "16", "--chunk", "4",
                "--data", dir.path, "--json",
            ])
            XCTAssertEqual(result.status, 0, result.err)
            let json = try XCTUnwrap(
                JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], result.out)
            XCTAssertEqual(json["chunk"] as? Int, 4)
            accuracies.append(try XCTUnwrap(json["test_acc"] as? [Double]))
        }
        XCTAssertEqual(accuracies[0], accuracies[1])
        let zero = try BuiltBinary.run(["bench", "--chunk", "0", "--data", dir.path])
        XCTAssertEqual(zero.status, 64, zero.err)
        XCTAssertTrue(zero.err.contains("--chunk"), zero.err)
        let table = try BuiltBinary.run(["bench", "--batch", "16", "--chunk", "8", "--data", dir.path])
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertTrue(table.out.contains("threads, batch   2, 16 (chunk size 8: 2 chunks per batch)"), table.out)
    }

    func testUnknownModelIsAUsageErrorAndMissingDataNamesTheFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let unknown = try BuiltBinary.run(["bench", "--model", "lenet", "--data", dir.path])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.err.contains("did you mean 'lenet5'"), unknown.err)
        let missing = try BuiltBinary.run(["bench", "--data", dir.path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("train-images-idx3-ubyte"), missing.err)
        let help = try BuiltBinary.run(["bench", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.out.contains("--threads"), help.out)
        // The PyTorch script is not shipped: the help says where it comes in, not a path beside the repo.
        XCTAssertFalse(help.out.contains("../shared"), help.out)
        XCTAssertTrue(help.out.contains("scripts/bench-vs-pytorch runs it, given with --baseline"), help.out)
    }

    // MARK: - bench --experiment

    /// Runs `bench --experiment FILE --json ARGS` and returns its one JSON line as a dictionary.
    private func experimentJSON(_ file: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try BuiltBinary.run(["bench", "--experiment", file, "--json"] + arguments)
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.out)
        return try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any], result.out)
    }

    private func number(_ json: [String: Any], _ key: String) throws -> Double {
        try XCTUnwrap(json[key] as? Double, "\(key) in \(json)")
    }

    /// The tiny experiment with an augmentation, so the stream augments as in a real run.
    private static let augmented = TinyExperiment.basic.replacingOccurrences(
        of: "model:", with: "augment:\n  - hflip: {p: 0.5}\nmodel:")

    func testExperimentStreamsTheConfigsTrainingSplitAndTrainsOnIt() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = try TinyExperiment(in: dir, trainCount: 48)
        let file = try tiny.write(Self.augmented)
        // 48 images, validation round(0.25 × 48) = 12 held out: 36 in the split, batches of 8 → 5
        // per epoch (the last of 4). --threads 2 is training.threads; the file's workers stay 1.
        let json = try experimentJSON(
            file, ["--set", "data.validation=0.25", "--threads", "2", "--batches", "3"])
        XCTAssertEqual(json["experiment"] as? String, "tiny")
        XCTAssertEqual(json["threads"] as? Int, 2)
        XCTAssertEqual(json["workers"] as? Int, 1)
        XCTAssertEqual(json["batch"] as? Int, 8)
        XCTAssertEqual(json["train_split_images"] as? Int, 36)
        XCTAssertEqual(json["epoch_batches"] as? Int, 5)
        XCTAssertEqual(json["stream_images"] as? Int, 36)
        XCTAssertEqual(json["train_batches"] as? Int, 3)
        XCTAssertEqual(json["train_images"] as? Int, 3 * 8)
        for key in [
            "setup_s", "setup_cpu_s", "train_load_s", "stream_s", "stream_cpu_s", "train_stream_s",
            "train_stream_cpu_s", "train_memory_s", "train_memory_cpu_s", "peak_rss_mib",
        ] {
            XCTAssertGreaterThan(try number(json, key), 0, key)
        }
        XCTAssertGreaterThanOrEqual(try number(json, "train_load_cpu_s"), 0)
        // The rates and the ratios are the reported counts over the reported times.
        let streamRate = try number(json, "stream_img_s")
        XCTAssertEqual(streamRate, 36 / (try number(json, "stream_s")), accuracy: 1e-9 * streamRate)
        let perImage = try number(json, "stream_cpu_us_per_image")
        XCTAssertEqual(perImage, try number(json, "stream_cpu_s") / 36 * 1e6, accuracy: 1e-9 * perImage)
        let fedRate = try number(json, "train_stream_img_s")
        XCTAssertEqual(fedRate, 24 / (try number(json, "train_stream_s")), accuracy: 1e-9 * fedRate)
        let memoryRate = try number(json, "train_memory_img_s")
        XCTAssertEqual(memoryRate, 24 / (try number(json, "train_memory_s")), accuracy: 1e-9 * memoryRate)
        XCTAssertEqual(try number(json, "stream_per_train"), streamRate / fedRate, accuracy: 1e-9 * streamRate / fedRate)
        XCTAssertEqual(
            try number(json, "train_stream_per_memory"), fedRate / memoryRate, accuracy: 1e-9 * fedRate / memoryRate)
        // Both phases trained: the memory phase repeats the stream phase's batches after learning from
        // them (plus the warm-up step), so its loss is far lower. Seeded, so not a matter of luck.
        let fedLoss = try number(json, "train_stream_loss")
        let memoryLoss = try number(json, "train_memory_loss")
        XCTAssertLessThan(memoryLoss, 0.5 * fedLoss, "stream-fed loss \(fedLoss), from memory \(memoryLoss)")
        XCTAssertFalse((json["openblas_core"] as? String ?? "").isEmpty)

        // Without --batches (300) the whole epoch is trained: 5 batches, all 36 images.
        let whole = try experimentJSON(file, ["--set", "data.validation=0.25"])
        XCTAssertEqual(whole["threads"] as? Int, 1)
        XCTAssertEqual(whole["train_batches"] as? Int, 5)
        XCTAssertEqual(whole["train_images"] as? Int, 36)
        XCTAssertEqual(whole["stream_images"] as? Int, 36)
        // The table names every figure.
        let table = try BuiltBinary.run(["bench", "--experiment", file])
        XCTAssertEqual(table.status, 0, table.err)
        for label in [
            "setup ", "(load + decode + split)", "train set load ", "stream alone ", "training (stream) ",
            "training (memory) ", "stream / training ",
        ] {
            XCTAssertTrue(table.out.contains(label), "'\(label)' in:\n\(table.out)")
        }
        XCTAssertTrue(table.out.contains("epoch 0: 48 images in 6 batches"), table.out)
    }

    func testExperimentOnAFolderDatasetSkipsTheIDXLoadFigure() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = try TinyExperiment(in: dir, trainCount: 12)
        let export = try BuiltBinary.run([
            "data", "export-png", dir.appendingPathComponent("train-images.idx").path,
            dir.appendingPathComponent("train-labels.idx").path, dir.appendingPathComponent("png").path,
        ])
        XCTAssertEqual(export.status, 0, export.err)
        let file = try tiny.write(
            TinyExperiment.basic.replacingOccurrences(
                of: "{format: idx, images: train-images.idx, labels: train-labels.idx}",
                with: "{format: folder, path: png}"))
        let json = try experimentJSON(file, [])
        XCTAssertTrue(json["train_load_s"] is NSNull, "\(json)")
        XCTAssertTrue(json["train_load_cpu_s"] is NSNull, "\(json)")
        XCTAssertEqual(json["stream_images"] as? Int, 12)
        XCTAssertEqual(json["train_images"] as? Int, 12)
        let table = try BuiltBinary.run(["bench", "--experiment", file])
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertTrue(table.out.contains("train set load       skipped (data.train is a folder dataset"), table.out)
    }

    func testExperimentUsageAndConfigErrorsExitAsRunDoes() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = try TinyExperiment(in: dir)
        let good = try tiny.write(TinyExperiment.basic)
        for option in ["--model", "--limit", "--data", "--epochs", "--batch", "--chunk"] {
            let value = option == "--model" ? "lenet5" : option == "--data" ? dir.path : "2"
            let result = try BuiltBinary.run(["bench", "--experiment", good, option, value])
            XCTAssertEqual(result.status, 64, "\(option): \(result.err)")
            XCTAssertTrue(
                result.err.contains("options '--experiment' and '\(option)' cannot be combined"),
                "\(option): \(result.err)")
        }
        let alone = try BuiltBinary.run(["bench", "--batches", "5"])
        XCTAssertEqual(alone.status, 64)
        XCTAssertTrue(alone.err.contains("option '--batches' needs '--experiment EXP.yaml'"), alone.err)
        let zero = try BuiltBinary.run(["bench", "--experiment", good, "--batches", "0"])
        XCTAssertEqual(zero.status, 64)
        XCTAssertTrue(zero.err.contains("option '--batches' expects an integer ≥ 1, found '0'"), zero.err)

        // An unknown key (line 9 of the file): the same message and status as `workbench run`.
        let yaml = TinyExperiment.basic.replacingOccurrences(of: "momentum:", with: "momentom:")
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("momentom") }! + 1
        XCTAssertEqual(line, 9)
        let bad = try tiny.write(yaml, name: "bad.yaml")
        let bench = try BuiltBinary.run(["bench", "--experiment", bad, "--json"])
        let run = try BuiltBinary.run(["run", bad])
        XCTAssertEqual(bench.status, 1, bench.err)
        XCTAssertEqual(bench.status, run.status)
        XCTAssertEqual(bench.err, run.err)
        XCTAssertTrue(bench.err.hasPrefix("error: \(bad):\(line):"), bench.err)
        XCTAssertTrue(bench.err.contains("unknown key 'momentom'; did you mean 'momentum'?"), bench.err)
        XCTAssertEqual(bench.out, "")
        // A bad --set names the option, as for run.
        let set = try BuiltBinary.run(["bench", "--experiment", good, "--set", "optimzer.lr=0.1"])
        XCTAssertEqual(set.status, 1, set.err)
        XCTAssertTrue(set.err.contains("--set optimzer.lr=0.1"), set.err)
        XCTAssertTrue(set.err.contains("did you mean 'optimizer'?"), set.err)
        // Missing data fails in the setup, naming the file.
        let missing = try tiny.write(
            TinyExperiment.basic.replacingOccurrences(of: "train-labels.idx", with: "missing.idx"),
            name: "missing.yaml")
        let noData = try BuiltBinary.run(["bench", "--experiment", missing])
        XCTAssertEqual(noData.status, 1, noData.err)
        XCTAssertTrue(noData.err.contains("missing.idx"), noData.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tiny.store.path), "bench recorded a run")
    }
}
