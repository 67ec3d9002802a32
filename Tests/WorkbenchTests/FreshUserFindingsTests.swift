import Foundation
import XCTest

/// The CLI, run store and training-loop problems a new user found on a clean clone, each replayed
/// through the built binary exactly as the user typed it.
final class FreshUserFindingsTests: TinyExperimentTestCase {
    var trainImages: String { dir.appendingPathComponent("train-images.idx").path }
    var trainLabels: String { dir.appendingPathComponent("train-labels.idx").path }

    func runIDs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: tiny.store.path)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
    }

    func writeMeta(_ id: String, _ object: [String: Any]) throws {
        let url = tiny.store.appendingPathComponent(id).appendingPathComponent("meta.json")
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    func completedRun(_ yaml: String = TinyExperiment.basic) throws -> String {
        let result = try BuiltBinary.run(["run", try tiny.write(yaml)])
        XCTAssertEqual(result.status, 0, result.err)
        return result.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A completed two-epoch run made to look killed before its first checkpoint: status
    /// "interrupted", no `checkpoint/`.
    func interruptedRunWithoutCheckpoint() throws -> (id: String, folder: URL) {
        let id = try completedRun()
        let folder = tiny.store.appendingPathComponent(id)
        var object = try meta(id)
        object["status"] = "interrupted"
        try writeMeta(id, object)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("checkpoint"))
        return (id, folder)
    }

    // MARK: empty and wrong paths

    func testEmptyExportFolderIsAUsageErrorAndWritesNothing() throws {
        let result = try BuiltBinary.run(["data", "export-png", trainImages, trainLabels, ""], in: dir)
        XCTAssertEqual(result.status, 64, result.out + result.err)
        XCTAssertTrue(result.err.contains("empty DIR"), result.err)
        XCTAssertEqual(result.out, "")
    }

    func testExportIntoAFileSaysSo() throws {
        let file = dir.appendingPathComponent("g28.png")
        try Data([1, 2, 3]).write(to: file)
        let result = try BuiltBinary.run(["data", "export-png", trainImages, trainLabels, file.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("\(file.path): expected a folder"), result.err)
        XCTAssertFalse(result.err.contains("NSCocoaErrorDomain"), result.err)
        XCTAssertEqual(try Data(contentsOf: file), Data([1, 2, 3]))
    }

    func testInspectGridRefusesItsInputAndNonPNGNames() throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: trainImages))
        let same = try BuiltBinary.run(["data", "inspect", trainImages, "--grid", trainImages])
        XCTAssertEqual(same.status, 64, same.err)
        let sameRelative = try BuiltBinary.run(
            ["data", "inspect", "train-images.idx", "--grid", "./train-images.idx"], in: dir)
        XCTAssertEqual(sameRelative.status, 64, sameRelative.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: trainImages)), before)
        let notPNG = try BuiltBinary.run(["data", "inspect", trainImages, "--grid", "grid.idx"], in: dir)
        XCTAssertEqual(notPNG.status, 64)
        XCTAssertTrue(notPNG.err.contains("expects a FILE.png name, found 'grid.idx'"), notPNG.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("grid.idx").path))
        let good = try BuiltBinary.run(["data", "inspect", trainImages, "--grid", "grid.png", "--count", "1"], in: dir)
        XCTAssertEqual(good.status, 0, good.err)
        XCTAssertTrue(good.err.contains("wrote 1 image to grid.png"), good.err)
    }

    func testEmptyStoreValueIsAUsageError() throws {
        let file = try tiny.write(TinyExperiment.basic)
        for arguments in [["run", file, "--store="], ["runs", "--store", ""], ["compare", "--store="]] {
            let result = try BuiltBinary.run(arguments, in: dir)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.err)")
            XCTAssertTrue(result.err.contains("option '--store' needs a non-empty value"), result.err)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            $0.hasPrefix("2")
        }, [], "an empty --store must not mean the current folder")
        XCTAssertEqual(runIDs(), [])
    }

    func testVersionTakesNoArguments() throws {
        let result = try BuiltBinary.run(["--version", "extra"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.err.contains("'--version' takes no arguments, found 'extra'"), result.err)
        XCTAssertEqual(try BuiltBinary.run(["--version"]).status, 0)
    }

    func testRunsOnAMissingStoreOrAFileFails() throws {
        let missing = dir.appendingPathComponent("nonexistent").path
        let none = try BuiltBinary.run(["runs", "--store", missing])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.err.contains("\(missing): no such run store folder"), none.err)
        let file = dir.appendingPathComponent("exp.yaml")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let onFile = try BuiltBinary.run(["compare", "--store", file.path])
        XCTAssertEqual(onFile.status, 1)
        XCTAssertTrue(onFile.err.contains("expected a run store folder, found a file"), onFile.err)
    }

    func testRunHelpHidesTheInternalSweepID() throws {
        let help = try BuiltBinary.run(["run", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.out.contains("--store"), help.out)
        XCTAssertFalse(help.out.contains("sweep-id"), help.out)
        // It no longer claims every error exits 1 with nothing created.
        XCTAssertFalse(help.out.contains("on any error nothing is created"), help.out)
        XCTAssertTrue(help.out.contains("a usage\nerror exits 64") || help.out.contains("a usage error exits 64"), help.out)
    }

    // MARK: unreadable run folders

    func testOneCorruptRunDoesNotBlankCompareOrRuns() throws {
        let good = try completedRun()
        let bad = try completedRun()
        let badMeta = tiny.store.appendingPathComponent(bad).appendingPathComponent("meta.json")
        try "{\"id\": ".write(to: badMeta, atomically: true, encoding: .utf8)
        let empty = "20000101T000000Z-empty-0000"  // a folder left by a run killed before it started
        try FileManager.default.createDirectory(
            at: tiny.store.appendingPathComponent(empty), withIntermediateDirectories: true)

        let compare = try BuiltBinary.run(["compare", "--store", tiny.store.path])
        XCTAssertEqual(compare.status, 1)
        XCTAssertEqual(compare.out.split(separator: "\n").count, 2, compare.out)
        XCTAssertTrue(compare.out.contains(good), compare.out)
        XCTAssertTrue(compare.err.contains("\(badMeta.path): expected a JSON document"), compare.err)
        XCTAssertTrue(compare.err.contains("skipping \(empty)"), compare.err)
        for leak in ["DecodingError", "Debug description", "codingPath", "CodingKeys"] {
            XCTAssertFalse(compare.err.contains(leak), compare.err)
        }
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        XCTAssertEqual(runs.status, 1)
        XCTAssertEqual(runs.out.split(separator: "\n").count, 2, runs.out)
        XCTAssertTrue(runs.err.contains("skipping \(empty)") && runs.err.contains("meta.json"), runs.err)

        // A wrong type names the key, not Swift's dump.
        var object = try meta(good)
        object["seed"] = "forty-two"
        try writeMeta(good, object)
        let typed = try BuiltBinary.run(["compare", good, "--store", tiny.store.path])
        XCTAssertEqual(typed.status, 1)
        XCTAssertTrue(typed.err.contains("key 'seed': expected an integer"), typed.err)
    }

    func testGarbageEpochsHeaderIsAnErrorNamingTheFile() throws {
        let id = try completedRun()
        let epochs = tiny.store.appendingPathComponent(id).appendingPathComponent("epochs.csv")
        try "garbage\nx\ny\n".write(to: epochs, atomically: true, encoding: .utf8)
        for command in ["runs", "compare"] {
            let result = try BuiltBinary.run([command, "--store", tiny.store.path])
            XCTAssertEqual(result.status, 1, "\(command): \(result.out)")
            XCTAssertTrue(result.err.contains("\(epochs.path): expected a header of epoch columns"), result.err)
        }
        let diff = try BuiltBinary.run(["diff", id, id, "--store", tiny.store.path])
        XCTAssertEqual(diff.status, 1)
        XCTAssertTrue(diff.err.contains(epochs.path), diff.err)
    }

    // MARK: signals, pipes, duration, resume

    /// SIGINT at any moment of a run's start leaves either no folder or a readable interrupted run.
    func testEarlySIGINTLeavesNoFolderOrAReadableInterruptedRun() throws {
        let file = try tiny.write(TinyExperiment.basic)
        for delay in [0.05, 0.15, 0.3, 0.5, 0.8] {
            let (process, out, err) = try BuiltBinary.start(["run", file])
            usleep(UInt32(delay * 1_000_000))
            kill(process.processIdentifier, SIGINT)
            let result = BuiltBinary.finish(process, out, err)
            for id in runIDs() {
                let status = try meta(id)["status"] as? String
                XCTAssertTrue(
                    status == "interrupted" || status == "completed", "delay \(delay): \(id) is \(status ?? "nil")")
            }
            XCTAssertTrue([0, 130].contains(result.status) || process.terminationReason == .uncaughtSignal,
                "delay \(delay): \(result.status) \(result.err)")
            let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
            XCTAssertFalse(runs.err.contains("skipping"), "delay \(delay): \(runs.err)")
        }
    }

    func testClosedOutputDoesNotKillTraining() throws {
        let file = try tiny.write(TinyExperiment.basic)
        let (process, out, err) = try BuiltBinary.start(["run", file])
        try out.fileHandleForReading.close()
        try err.fileHandleForReading.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
        let ids = runIDs()
        XCTAssertEqual(ids.count, 1)
        XCTAssertEqual(try meta(ids[0])["status"] as? String, "completed")
    }

    func testStaleRunShowsADurationAndResumeKeepsIt() throws {
        let id = try completedRun()
        // Make it look killed by kill -9 100 s after it started: running, dead pid, no end.
        var object = try meta(id)
        let started = Date().addingTimeInterval(-100)
        let formatter = ISO8601DateFormatter()
        object["started"] = formatter.string(from: started)
        object["status"] = "running"
        object["pid"] = Int32.max - 1
        object["ended"] = nil
        object["durationSeconds"] = nil
        try writeMeta(id, object)
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        let line = try XCTUnwrap(runs.out.split(separator: "\n").first { $0.contains(id) })
        XCTAssertTrue(line.contains("stale") && line.contains("1m4"), String(line))
        let resume = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(resume.status, 0, resume.err)
        let duration = try XCTUnwrap(try meta(id)["durationSeconds"] as? Double)
        XCTAssertGreaterThanOrEqual(duration, 99, "the killed segment was dropped")
        XCTAssertLessThan(duration, 200)
    }

    func testResumeWithoutCheckpointAfterTwoEpochsIsAnError() throws {
        let (id, folder) = try interruptedRunWithoutCheckpoint()
        let epochsBefore = try String(contentsOf: folder.appendingPathComponent("epochs.csv"), encoding: .utf8)
        let result = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(result.status, 1, result.err)
        XCTAssertTrue(
            result.err.contains(
                "\(folder.appendingPathComponent("checkpoint").path): expected the checkpoint written after"
                    + " epoch 1 or 2 (\(folder.appendingPathComponent("epochs.csv").path) records 2 epochs),"
                    + " found no checkpoint (the folder is left as it was)"),
            result.err)
        let epochsAfter = try String(contentsOf: folder.appendingPathComponent("epochs.csv"), encoding: .utf8)
        XCTAssertEqual(epochsAfter, epochsBefore)
        XCTAssertEqual(try meta(id)["status"] as? String, "interrupted")
    }

    /// One recorded epoch and no checkpoint is a kill between that epoch's row and its checkpoint:
    /// resume warns and starts again.
    func testResumeWithoutCheckpointAfterOneEpochStartsAgain() throws {
        let (id, folder) = try interruptedRunWithoutCheckpoint()
        let epochs = folder.appendingPathComponent("epochs.csv")
        let lines = try String(contentsOf: epochs, encoding: .utf8).split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(to: epochs, atomically: true, encoding: .utf8)
        let result = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(
            result.err.contains(
                "warning: \(folder.appendingPathComponent("checkpoint").path): no checkpoint to resume from"
                    + " (stopped between its first epoch's row and its checkpoint); discarding the 1 recorded"
                    + " epoch and starting again from epoch 0"),
            result.err)
        let after = try String(contentsOf: epochs, encoding: .utf8)
        XCTAssertEqual(after.split(separator: "\n").map { $0.split(separator: ",")[0] }, ["epoch", "1", "2"])
    }

    func testSweepPrefixesChildOutputWithTheRunID() throws {
        let file = try tiny.write(TinyExperiment.basic + "sweep:\n  grid: {optimizer.lr: [0.05, 0.2]}\n")
        let result = try BuiltBinary.run(["sweep", file, "--jobs", "2"])
        XCTAssertEqual(result.status, 0, result.err)
        let ids = result.out.split(separator: "\n").compactMap { $0.split(separator: " ").first }
        XCTAssertEqual(ids.count, 2)
        let childLines = result.err.split(separator: "\n").filter { $0.contains("epoch") }
        XCTAssertFalse(childLines.isEmpty, result.err)
        for line in childLines {
            XCTAssertTrue(ids.contains { line.hasPrefix("[\($0)] ") }, String(line))
        }
    }

    func testInterruptedSweepExits130() throws {
        let file = try tiny.write(RunLifecycleTests.long + "sweep:\n  grid: {optimizer.lr: [0.01, 0.02]}\n")
        let (process, out, err) = try BuiltBinary.start(["sweep", file, "--jobs", "1"])
        let deadline = Date().addingTimeInterval(60)
        var started = false
        while Date() < deadline, !started {
            if let id = runIDs().first,
                let text = try? String(
                    contentsOf: tiny.store.appendingPathComponent(id).appendingPathComponent("steps.csv"),
                    encoding: .utf8)
            {
                started = text.split(separator: "\n").count >= 3
            }
            usleep(2000)
        }
        XCTAssertTrue(started, "the first child never trained")
        kill(process.processIdentifier, SIGTERM)
        let result = BuiltBinary.finish(process, out, err)
        XCTAssertEqual(result.status, 130, result.err)
        XCTAssertEqual(runIDs().count, 1, "no further child starts after the signal")
        XCTAssertEqual(try meta(runIDs()[0])["status"] as? String, "interrupted")
    }
}
