import Foundation
import XCTest

/// Signals while a run is being prepared (a read that blocks) and a second signal during training.
final class SignalTests: TinyExperimentTestCase {
    func runIDs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: tiny.store.path)) ?? []).filter {
            !$0.hasPrefix(".")
        }
    }

    /// Waits up to `seconds` for `process` to exit; kills it (and fails) if it does not.
    func waitForExit(_ process: Process, seconds: Double, _ what: String) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            XCTFail("\(what): still running \(seconds) s after the signal")
        }
    }

    func testASignalWhileSetupBlocksOnAFIFOExitsAtOnce() throws {
        let fifo = dir.appendingPathComponent("train-images.fifo")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let yaml = TinyExperiment.basic.replacingOccurrences(
            of: "images: train-images.idx", with: "images: train-images.fifo")
        for signal in [SIGTERM, SIGINT] {
            let (process, out, err) = try BuiltBinary.start(["run", try tiny.write(yaml)])
            usleep(700_000)
            guard process.isRunning else {
                let result = BuiltBinary.finish(process, out, err)
                throw XCTSkip("setup did not block on the FIFO (refused up front?): \(result.err)")
            }
            kill(process.processIdentifier, signal)
            waitForExit(process, seconds: 5, "run blocked on a FIFO")
            let result = BuiltBinary.finish(process, out, err)
            XCTAssertEqual(result.status, 130, result.err)
            XCTAssertTrue(
                result.err.contains(
                    "received \(signal == SIGINT ? "SIGINT" : "SIGTERM") before the run started: stopping now;"
                        + " nothing was recorded"), result.err)
            XCTAssertEqual(runIDs(), [], "a run folder was created")
        }
    }

    func testASecondSignalRecordsTheRunAsInterruptedNotStale() throws {
        // Slow steps (28×28 images, a wide convolution, batches of 192, four per epoch), so the second
        // signal arrives while the batch that the first one waits for is still training.
        let big = dir.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: big, withIntermediateDirectories: true)
        _ = try TinyExperiment(in: big, trainCount: 4 * 192, testCount: 12, size: 28)
        let yaml = """
            name: slow
            seed: 3
            \(TinyExperiment.dataBlock)
            model:
              - conv: {filters: 64, kernel: 7, padding: 3}
              - relu
              - flatten
              - dense: {units: 3}
            optimizer: {name: sgd, lr: 0.01}
            training: {epochs: 3, batch_size: 192, threads: 1, workers: 1}

            """
        let file = big.appendingPathComponent("exp.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let store = big.appendingPathComponent("runs")
        func ids() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: store.path)) ?? []).filter {
                !$0.hasPrefix(".")
            }
        }
        let (process, out, err) = try BuiltBinary.start(["run", file.path])
        let deadline = Date().addingTimeInterval(60)
        var trained = false
        while Date() < deadline, !trained {
            if let id = ids().first,
                let text = try? String(
                    contentsOf: store.appendingPathComponent(id).appendingPathComponent("steps.csv"),
                    encoding: .utf8)
            {
                trained = text.split(separator: "\n").count >= 1 + 4 + 2
            }
            usleep(2000)
        }
        XCTAssertTrue(trained, "training never reached epoch 2")
        // Epoch 1 is checkpointed and step 3 of epoch 2 is training. (Sent back to back, the kernel would merge the two into one.)
        kill(process.processIdentifier, SIGINT)
        usleep(10_000)
        kill(process.processIdentifier, SIGINT)
        waitForExit(process, seconds: 10, "run after two signals")
        let result = BuiltBinary.finish(process, out, err)
        XCTAssertEqual(result.status, 130, result.err)
        let id = try XCTUnwrap(ids().first)
        let url = store.appendingPathComponent(id).appendingPathComponent("meta.json")
        let meta = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        XCTAssertEqual(meta["status"] as? String, "interrupted", result.err)
        XCTAssertNotNil(meta["ended"], "\(meta)")
        let error = try XCTUnwrap(meta["error"] as? String)
        XCTAssertEqual(error, "stopped at once by a second SIGINT; checkpoint at epoch 1")
        XCTAssertTrue(
            result.err.contains("interrupted: \(error) (resume with 'workbench resume')"), result.err)
        let runs = try BuiltBinary.run(["runs", "--store", store.path])
        XCTAssertTrue(runs.out.contains(" interrupted "), runs.out)
        let resume = try BuiltBinary.run(["resume", id, "--store", store.path])
        XCTAssertEqual(resume.status, 0, resume.err)
        XCTAssertTrue(resume.err.contains("from epoch 2 (step 4)"), resume.err)
    }

    /// SIGINT to the sweep process alone is passed on to its running children, which stop as
    /// interrupted runs, and the sweep exits 130, with one job or two.
    func testAnInterruptedSweepStopsItsChildrenAndExits130() throws {
        for jobs in [1, 2] {
            let yaml = TinyExperiment.basic.replacingOccurrences(of: "epochs: 2", with: "epochs: 100000")
                + "sweep:\n  grid: {optimizer.lr: [0.05, 0.1]}\n"
            let file = dir.appendingPathComponent("sweep-\(jobs).yaml")
            try yaml.write(to: file, atomically: true, encoding: .utf8)
            let store = dir.appendingPathComponent("sweep-store-\(jobs)")
            let (process, out, err) = try BuiltBinary.start([
                "sweep", file.path, "--jobs", "\(jobs)", "--store", store.path,
            ])
            func ids() -> [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: store.path)) ?? []).filter {
                    !$0.hasPrefix(".")
                }
            }
            func trained(_ id: String) -> Bool {
                let epochs = store.appendingPathComponent(id).appendingPathComponent("epochs.csv")
                return ((try? String(contentsOf: epochs, encoding: .utf8)) ?? "").split(separator: "\n").count >= 3
            }
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, !(ids().count == jobs && ids().allSatisfy(trained)) { usleep(10_000) }
            XCTAssertEqual(ids().count, jobs, "children never started")
            kill(process.processIdentifier, SIGINT)
            waitForExit(process, seconds: 10, "sweep after SIGINT")
            let result = BuiltBinary.finish(process, out, err)
            XCTAssertEqual(result.status, 130, result.err)
            XCTAssertTrue(result.err.contains("interrupted: sweep sweep-"), result.err)
            XCTAssertEqual(ids().count, jobs, "a child started after the signal")
            for id in ids() {
                let url = store.appendingPathComponent(id).appendingPathComponent("meta.json")
                let meta = try XCTUnwrap(
                    JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
                XCTAssertEqual(meta["status"] as? String, "interrupted", "\(jobs) jobs: \(id)")
                if meta["status"] as? String == "running", let pid = meta["pid"] as? Int32 {
                    kill(pid, SIGKILL)  // a child left running: do not leave it behind
                }
            }
        }
    }
}
