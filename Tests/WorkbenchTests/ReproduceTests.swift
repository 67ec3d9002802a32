import Foundation
import XCTest

/// `reproduce` of runs that did not complete: running ones are refused, partial ones are compared on
/// their complete epochs (and say so), failed ones must fail the same way.
final class ReproduceTests: TinyExperimentTestCase {
    func completedRun(_ yaml: String = TinyExperiment.basic, status: Int32 = 0) throws -> String {
        let result = try BuiltBinary.run(["run", try tiny.write(yaml)])
        XCTAssertEqual(result.status, status, result.err)
        return result.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func editMeta(_ id: String, _ change: (inout [String: Any]) -> Void) throws {
        var object = try meta(id)
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(
            to: tiny.store.appendingPathComponent(id).appendingPathComponent("meta.json"))
    }

    func keepEpochRows(_ id: String, _ count: Int) throws {
        let url = tiny.store.appendingPathComponent(id).appendingPathComponent("epochs.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(1 + count).joined(separator: "\n") + "\n").write(
            to: url, atomically: true, encoding: .utf8)
    }

    func runCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: tiny.store.path).filter { !$0.hasPrefix(".") }
            .count
    }

    func reproduce(_ id: String) throws -> BuiltBinary.Result {
        try BuiltBinary.run(["reproduce", id, "--store", tiny.store.path])
    }

    func testARunningRunIsRefusedAndNothingStarts() throws {
        let id = try completedRun()
        // Recorded as running by a live process (this one; an old-style record judged by its pid).
        try editMeta(id) {
            $0["status"] = "running"
            $0["pid"] = Int(getpid())
            $0["processStart"] = nil
            $0["bootID"] = nil
        }
        let result = try reproduce(id)
        XCTAssertEqual(result.status, 1, result.out)
        XCTAssertTrue(
            result.err.contains("error: run \(id) is still running (pid \(getpid()) on this host)"),
            result.err)
        XCTAssertFalse(result.out.contains("identical"), result.out)
        XCTAssertEqual(try runCount(), 1, "a reproduction was started")
    }

    func testAnInterruptedRunIsComparedOnItsCompleteEpochsAndSaysSo() throws {
        let id = try completedRun()
        try editMeta(id) { $0["status"] = "interrupted" }
        try keepEpochRows(id, 1)
        let result = try reproduce(id)
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(
            result.out.contains(
                "reproduces the 1 complete epoch recorded by \(id) (interrupted after 1 of 2 epochs;"
                    + " only those were compared)"), result.out)

        // A difference in the epoch it has is still a difference.
        let url = tiny.store.appendingPathComponent(id).appendingPathComponent("epochs.csv")
        var rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            $0.components(separatedBy: ",")
        }
        rows[1][2] = "0.125"
        try (rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(
            to: url, atomically: true, encoding: .utf8)
        let differs = try reproduce(id)
        XCTAssertEqual(differs.status, 1)
        XCTAssertTrue(differs.out.contains("first difference at epoch 1: train_loss 0.125 vs "), differs.out)
    }

    func testARunWithNoCompleteEpochIsRefused() throws {
        let id = try completedRun()
        try editMeta(id) { $0["status"] = "interrupted" }
        try keepEpochRows(id, 0)
        let result = try reproduce(id)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.err.contains(
                "run \(id) is interrupted with no complete epoch recorded: nothing to compare"),
            result.err)
        XCTAssertEqual(try runCount(), 1)
    }

    /// A sane epoch 1, then a rate of 1e37 makes the loss overflow early in epoch 2 (see RunFailureTests).
    static let failing = TinyExperiment.basic.replacingOccurrences(
        of: "optimizer: {name: sgd, lr: 0.1, momentum: 0.9}",
        with: "loss: mse\noptimizer: {name: sgd, lr: 0.1}\n"
            + "schedule: {name: multistep, milestones: [1], gamma: 1e38}")

    func testAFailedRunReproducesByFailingTheSameWay() throws {
        let id = try completedRun(Self.failing, status: 1)
        let error = try XCTUnwrap(try meta(id)["error"] as? String)
        let same = try reproduce(id)
        XCTAssertEqual(same.status, 0, same.err)
        XCTAssertTrue(same.out.contains("(1 complete epoch, then the same failure: \(error))"), same.out)

        try editMeta(id) { $0["error"] = "weights/final.safetensors: disk full" }
        let other = try reproduce(id)
        XCTAssertEqual(other.status, 1, other.err)
        XCTAssertTrue(
            other.out.contains(
                "differs from \(id): the reproduction failed: \(error); \(id) failed with:"
                    + " weights/final.safetensors: disk full"), other.out)
        for text in [same.out, same.err, other.out, other.err] {
            XCTAssertFalse(text.contains("failed(\""), text)
        }
    }

    /// A rate of 1e38 from the start makes the loss overflow in epoch 1: no complete epoch, yet the
    /// failure is deterministic, so reproducing the run reruns it and compares the failure.
    func testARunThatFailedInItsFirstEpochIsRerunAndComparedOnItsFailure() throws {
        let yaml = TinyExperiment.basic.replacingOccurrences(
            of: "optimizer: {name: sgd, lr: 0.1, momentum: 0.9}", with: "loss: mse\noptimizer: {name: sgd, lr: 1e38}")
        let id = try completedRun(yaml, status: 1)
        XCTAssertEqual(try meta(id)["status"] as? String, "failed")
        let error = try XCTUnwrap(try meta(id)["error"] as? String)
        let same = try reproduce(id)
        XCTAssertEqual(same.status, 0, same.err)
        XCTAssertTrue(same.out.contains("(0 complete epochs, then the same failure: \(error))"), same.out)
        XCTAssertEqual(try runCount(), 2)
    }
}
