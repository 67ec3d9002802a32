import Foundation
import XCTest

/// Runs that end badly: a non-finite loss, and a process killed outright (stale).
final class RunFailureTests: TinyExperimentTestCase {
    func testNonFiniteLossFailsTheRunKeepingTheLastGoodCheckpoint() throws {
        // A sane epoch 1, then the rate jumps to 1e37 (multistep at epoch 1): the squared error of
        // the exploding outputs overflows to inf early in epoch 2.
        let yaml = TinyExperiment.basic
            .replacingOccurrences(
                of: "optimizer: {name: sgd, lr: 0.1, momentum: 0.9}",
                with: "loss: mse\noptimizer: {name: sgd, lr: 0.1}\n"
                    + "schedule: {name: multistep, milestones: [1], gamma: 1e38}")
        let file = try tiny.write(yaml)
        let result = try BuiltBinary.run(["run", file])
        XCTAssertEqual(result.status, 1, result.err)
        let id = result.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let m = try meta(id)
        XCTAssertEqual(m["status"] as? String, "failed")
        let error = try XCTUnwrap(m["error"] as? String)
        XCTAssertTrue(error.hasPrefix("non-finite loss at epoch 2, batch "), error)
        XCTAssertTrue(result.err.contains(error), result.err)
        let state = tiny.store.appendingPathComponent(id).appendingPathComponent("checkpoint/state.json")
        let checkpoint = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: state)) as? [String: Any])
        XCTAssertEqual((checkpoint["position"] as? [String: Int])?["epoch"], 1)
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        XCTAssertTrue(runs.out.contains("failed"), runs.out)
    }

    func testKilledRunIsStaleAndResumes() throws {
        let file = try tiny.write(RunLifecycleTests.long)
        let (process, out, err) = try BuiltBinary.start(["run", file])
        let deadline = Date().addingTimeInterval(60)
        var id: String?
        while Date() < deadline, id == nil {
            if let found = try? FileManager.default.contentsOfDirectory(atPath: tiny.store.path).first(
                where: { !$0.hasPrefix(".") }),
                let text = try? String(
                    contentsOf: tiny.store.appendingPathComponent(found).appendingPathComponent("epochs.csv"),
                    encoding: .utf8),
                text.split(separator: "\n").count >= 2
            {
                id = found
            }
            usleep(2000)
        }
        let runID = try XCTUnwrap(id, "no epoch finished")
        kill(process.processIdentifier, SIGKILL)
        _ = BuiltBinary.finish(process, out, err)
        XCTAssertEqual(try meta(runID)["status"] as? String, "running")
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        XCTAssertTrue(runs.out.contains("stale"), runs.out)
        let resume = try BuiltBinary.run(["resume", runID, "--store", tiny.store.path])
        XCTAssertEqual(resume.status, 0, resume.err)
        XCTAssertEqual(try meta(runID)["status"] as? String, "completed")
        let epochs = try String(
            contentsOf: tiny.store.appendingPathComponent(runID).appendingPathComponent("epochs.csv"),
            encoding: .utf8)
        XCTAssertEqual(
            epochs.split(separator: "\n").map { $0.split(separator: ",")[0] },
            ["epoch", "1", "2", "3", "4", "5", "6"])
    }
}
