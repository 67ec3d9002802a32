import Foundation
import XCTest

/// run, runs, compare, reproduce, resume, sweep and signals through the built binary on tiny
/// generated IDX data.
final class RunLifecycleTests: TinyExperimentTestCase {
    func runFolder(_ id: String) -> URL { tiny.store.appendingPathComponent(id) }

    func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func csvRows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            $0.components(separatedBy: ",")
        }
    }

    /// epochs.csv without the timing columns (seconds, images_per_s are the last two).
    func curve(_ id: String) throws -> [[String]] {
        try csvRows(runFolder(id).appendingPathComponent("epochs.csv")).map { Array($0.dropLast(2)) }
    }

    func startRun(_ extra: [String] = []) throws -> String {
        let file = try tiny.write(TinyExperiment.basic)
        let result = try BuiltBinary.run(["run", file] + extra)
        XCTAssertEqual(result.status, 0, result.err)
        return result.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testRunRecordsACompleteFolderThatListsComparesAndReproduces() throws {
        let id = try startRun()
        let folder = runFolder(id)
        XCTAssertTrue(
            id.range(of: #"^\d{8}T\d{6}Z-tiny-[0-9a-f]{4}$"#, options: .regularExpression) != nil, id)
        for file in [
            "config.yaml", "params.csv", "meta.json", "epochs.csv", "steps.csv", "summary.json", "log.txt",
            "weights/final.safetensors", "weights/best.safetensors", "checkpoint/state.json",
        ] {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), file)
        }
        let meta = try json(folder.appendingPathComponent("meta.json"))
        XCTAssertEqual(meta["status"] as? String, "completed")
        XCTAssertEqual(meta["seed"] as? Int, 7)
        let files = try XCTUnwrap(meta["dataFiles"] as? [[String: Any]])
        XCTAssertEqual(
            files.map { $0["key"] as? String },
            ["data.train.images", "data.train.labels", "data.test.images", "data.test.labels"])
        XCTAssertEqual(files[1]["bytes"] as? Int, 8 + 48)
        let epochs = try csvRows(folder.appendingPathComponent("epochs.csv"))
        XCTAssertEqual(epochs.count, 3)
        XCTAssertEqual(
            epochs[0],
            [
                "epoch", "lr", "train_loss", "train_acc", "val_loss", "val_acc", "test_loss",
                "test_acc", "seconds", "images_per_s",
            ])
        XCTAssertEqual(epochs.map { $0[0] }, ["epoch", "1", "2"])
        let steps = try csvRows(folder.appendingPathComponent("steps.csv"))
        XCTAssertEqual(steps.count, 1 + 2 * 6)  // 48 images in batches of 8, two epochs
        let config = try String(contentsOf: folder.appendingPathComponent("config.yaml"), encoding: .utf8)
        XCTAssertTrue(config.contains("seed: 7"), config)
        XCTAssertTrue(config.contains(dir.appendingPathComponent("train-images.idx").path), config)

        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        XCTAssertEqual(runs.status, 0, runs.err)
        XCTAssertTrue(runs.out.contains(id) && runs.out.contains("completed"), runs.out)
        let compare = try BuiltBinary.run(["compare", "--store", tiny.store.path])
        XCTAssertEqual(compare.status, 0, compare.err)
        let header = compare.out.split(separator: "\n")[0]
        XCTAssertTrue(
            header.contains(",optimizer.lr,") && header.contains(",training.epochs,"), String(header))

        // The same config and seed reproduce the curve exactly.
        let reproduce = try BuiltBinary.run(["reproduce", id, "--store", tiny.store.path])
        XCTAssertEqual(reproduce.status, 0, reproduce.err)
        XCTAssertTrue(reproduce.out.hasPrefix("identical: "), reproduce.out)
        // The config file's folder holds the store by default; reproduce used it too.
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: tiny.store.path).filter { !$0.hasPrefix(".") }
                .count, 2)
    }

    func testReproduceReportsTheFirstDifferingEpoch() throws {
        let id = try startRun()
        // Tamper with the recorded curve: reproduce must say where it differs and exit 1.
        let url = runFolder(id).appendingPathComponent("epochs.csv")
        var rows = try csvRows(url)
        rows[2][2] = "0.125"
        try (rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(
            to: url, atomically: true, encoding: .utf8)
        let reproduce = try BuiltBinary.run(["reproduce", id, "--store", tiny.store.path])
        XCTAssertEqual(reproduce.status, 1, reproduce.err)
        XCTAssertTrue(
            reproduce.out.contains("first difference at epoch 2: train_loss 0.125 vs "), reproduce.out)
    }

    func testReproduceWarnsWhenTheDataChanged() throws {
        let id = try startRun()
        // Same labels, one test image pixel changed: the checksum differs, so reproduce warns.
        let url = dir.appendingPathComponent("test-images.idx")
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: url)
        let reproduce = try BuiltBinary.run(["reproduce", id, "--store", tiny.store.path])
        XCTAssertTrue(
            reproduce.err.contains("warning: data.test.images changed: recorded \(url.path) sha256 "),
            reproduce.err)
    }

    func testConcurrentRunsGetTwoCompleteFolders() throws {
        let file = try tiny.write(TinyExperiment.basic)
        let a = try BuiltBinary.start(["run", file])
        let b = try BuiltBinary.start(["run", file])
        let ra = BuiltBinary.finish(a.0, a.1, a.2)
        let rb = BuiltBinary.finish(b.0, b.1, b.2)
        XCTAssertEqual(ra.status, 0, ra.err)
        XCTAssertEqual(rb.status, 0, rb.err)
        let ids = [ra.out, rb.out].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertNotEqual(ids[0], ids[1])
        for id in ids {
            XCTAssertEqual(
                try json(runFolder(id).appendingPathComponent("meta.json"))["status"] as? String, "completed")
            XCTAssertEqual(try csvRows(runFolder(id).appendingPathComponent("epochs.csv")).count, 3)
        }
        XCTAssertEqual(try curve(ids[0]), try curve(ids[1]))
    }

    /// A run long enough to be interrupted: a small conv net over more data and epochs.
    static let long = """
        name: long
        seed: 11
        \(TinyExperiment.dataBlock)
          validation: 0.25
        model:
          - conv: {filters: 4, kernel: 3, padding: 1}
          - relu
          - flatten
          - dropout: {p: 0.2}
          - dense: {units: 3}
        optimizer: {name: adam, lr: 0.01}
        schedule: {name: cosine, min_lr: 0.001}
        training: {epochs: 6, batch_size: 4, threads: 2, workers: 1, chunk: 2}

        """

    func testSIGINTLeavesAnInterruptedRunThatListsComparesAndResumesToTheUninterruptedResult() throws {
        let file = try tiny.write(Self.long)
        let (process, out, err) = try BuiltBinary.start(["run", file])
        // Wait until training has taken a step (the signal handlers are in place by then).
        let deadline = Date().addingTimeInterval(60)
        var stepsFile: URL?
        while Date() < deadline {
            if let id = try? FileManager.default.contentsOfDirectory(atPath: tiny.store.path).first(where: {
                !$0.hasPrefix(".")
            }) {
                let url = runFolder(id).appendingPathComponent("steps.csv")
                if let text = try? String(contentsOf: url, encoding: .utf8),
                    text.split(separator: "\n").count >= 3
                {
                    stepsFile = url
                    break
                }
            }
            usleep(2000)
        }
        XCTAssertNotNil(stepsFile, "training never started")
        kill(process.processIdentifier, SIGINT)
        let result = BuiltBinary.finish(process, out, err)
        XCTAssertEqual(result.status, 130, result.err)
        let id = result.out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(
            try json(runFolder(id).appendingPathComponent("meta.json"))["status"] as? String, "interrupted")
        let interruptedEpochs = try csvRows(runFolder(id).appendingPathComponent("epochs.csv")).count - 1
        XCTAssertLessThan(interruptedEpochs, 6, "the run finished before the signal arrived")

        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        XCTAssertTrue(runs.out.contains(id) && runs.out.contains("interrupted"), runs.out)
        let compare = try BuiltBinary.run(["compare", id, "--store", tiny.store.path])
        XCTAssertEqual(compare.status, 0, compare.err)
        XCTAssertTrue(compare.out.contains(",interrupted,"), compare.out)

        let resume = try BuiltBinary.run([
            "resume", String(id.prefix(id.count - 1)), "--store", tiny.store.path,
        ])
        XCTAssertEqual(resume.status, 0, resume.err)
        XCTAssertEqual(
            try json(runFolder(id).appendingPathComponent("meta.json"))["status"] as? String, "completed")
        let again = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(
            again.err.contains("is completed; only interrupted, failed or stale runs can be resumed"),
            again.err)

        // An uninterrupted run of the same config: identical curves and steps, each epoch once.
        let full = try BuiltBinary.run(["run", file])
        XCTAssertEqual(full.status, 0, full.err)
        let fullID = full.out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try curve(id), try curve(fullID))
        XCTAssertEqual(try curve(id).count, 7)
        XCTAssertEqual(
            try String(contentsOf: runFolder(id).appendingPathComponent("steps.csv"), encoding: .utf8),
            try String(contentsOf: runFolder(fullID).appendingPathComponent("steps.csv"), encoding: .utf8))
        XCTAssertEqual(
            try Data(contentsOf: runFolder(id).appendingPathComponent("weights/final.safetensors")),
            try Data(contentsOf: runFolder(fullID).appendingPathComponent("weights/final.safetensors")))
    }

    func testSweepRunsTaggedChildrenSideBySide() throws {
        let file = try tiny.write(TinyExperiment.basic + "sweep:\n  grid: {optimizer.lr: [0.05, 0.2]}\n")
        let result = try BuiltBinary.run(["sweep", file, "--jobs", "2"])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, result.out)
        XCTAssertTrue(lines.allSatisfy { $0.contains("completed") }, result.out)
        XCTAssertEqual(
            Set(lines.compactMap { $0.split(separator: " ").last.map(String.init) }),
            ["optimizer.lr=0.05", "optimizer.lr=0.2"])
        let compare = try BuiltBinary.run(["compare", "--store", tiny.store.path, "--sort", "optimizer.lr"])
        XCTAssertEqual(compare.status, 0, compare.err)
        let rows = compare.out.split(separator: "\n").map { $0.components(separatedBy: ",") }
        let lr = try XCTUnwrap(rows[0].firstIndex(of: "optimizer.lr"))
        let sweep = try XCTUnwrap(rows[0].firstIndex(of: "sweep"))
        XCTAssertEqual(rows.dropFirst().map { $0[lr] }, ["0.05", "0.2"])
        XCTAssertEqual(Set(rows.dropFirst().map { $0[sweep] }).count, 1)
        XCTAssertTrue(rows[1][sweep].hasPrefix("sweep-"), rows[1][sweep])
        let tooMany = try BuiltBinary.run(["sweep", file, "--jobs", "99"])
        XCTAssertEqual(tooMany.status, 64)
    }
}
