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
        let file = try tiny.write(
            RunLifecycleTests.long.replacingOccurrences(of: "epochs: 6", with: "epochs: 40"))
        let (process, out, err) = try BuiltBinary.start(["run", file])
        let deadline = Date().addingTimeInterval(60)
        var trained = false
        while Date() < deadline, !trained {
            if let id = runIDs().first,
                let text = try? String(
                    contentsOf: tiny.store.appendingPathComponent(id).appendingPathComponent("steps.csv"),
                    encoding: .utf8)
            {
                trained = text.split(separator: "\n").count >= 3
            }
            usleep(2000)
        }
        XCTAssertTrue(trained, "training never started")
        kill(process.processIdentifier, SIGINT)
        kill(process.processIdentifier, SIGINT)
        waitForExit(process, seconds: 10, "run after two signals")
        let result = BuiltBinary.finish(process, out, err)
        XCTAssertEqual(result.status, 130, result.err)
        let id = try XCTUnwrap(runIDs().first)
        let meta = try self.meta(id)
        XCTAssertEqual(meta["status"] as? String, "interrupted", result.err)
        XCTAssertNotNil(meta["ended"], "\(meta)")
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        XCTAssertTrue(runs.out.contains(" interrupted "), runs.out)
        let resume = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(resume.status, 0, resume.err)
    }
}
