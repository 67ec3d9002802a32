import Foundation
import XCTest

/// Run folders edited by hand or left by a dead process, replayed through the built binary: each
/// is a clear error naming the file (or is recognised for what it is), never a trap or a wrong result.
final class RunFolderDamageTests: TinyExperimentTestCase {
    func folder(_ id: String) -> URL { tiny.store.appendingPathComponent(id) }

    func completedRun(_ yaml: String = TinyExperiment.basic) throws -> String {
        let result = try BuiltBinary.run(["run", try tiny.write(yaml)])
        XCTAssertEqual(result.status, 0, result.err)
        return result.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func editJSON(_ url: URL, _ change: (inout [String: Any]) -> Void) throws {
        var object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    func editMeta(_ id: String, _ change: (inout [String: Any]) -> Void) throws {
        try editJSON(folder(id).appendingPathComponent("meta.json"), change)
    }

    func statusLine(_ id: String) throws -> String {
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        return String(
            try XCTUnwrap(runs.out.split(separator: "\n").first { $0.contains(id) }, runs.out + runs.err))
    }

    // MARK: stale detection

    func testADeadRunWhosePidWasReusedIsStaleAndResumes() throws {
        let id = try completedRun()
        // As if killed, then its pid given to another process (pid 1 always exists).
        try editMeta(id) {
            $0["status"] = "running"
            $0["pid"] = 1
            $0["ended"] = nil
        }
        XCTAssertNotNil(try meta(id)["processStart"], "the run records its process's start time")
        XCTAssertNotNil(try meta(id)["bootID"], "the run records the boot id")
        let line = try statusLine(id)
        XCTAssertTrue(line.contains(" stale "), line)
        let resume = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(resume.status, 0, resume.err)
        XCTAssertEqual(try meta(id)["status"] as? String, "completed")
        XCTAssertNotEqual(try meta(id)["pid"] as? Int, 1)

        // After a reboot (another boot id) any pid may exist again.
        try editMeta(id) {
            $0["status"] = "running"
            $0["pid"] = 1
            $0["processStart"] = nil
            $0["bootID"] = "00000000-0000-0000-0000-000000000000"
        }
        let rebooted = try statusLine(id)
        XCTAssertTrue(rebooted.contains(" stale "), rebooted)
    }

    // MARK: resume checks the checkpoint against the config and the logs

    /// A completed two-epoch run marked interrupted, so `resume` accepts it.
    func interruptedRun() throws -> String {
        let id = try completedRun()
        try editMeta(id) { $0["status"] = "interrupted" }
        return id
    }

    var stateFile: String { "checkpoint/state.json" }

    func resumeFails(_ id: String, with message: String, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        let before = try Data(contentsOf: folder(id).appendingPathComponent("epochs.csv"))
        let result = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(result.status, 1, result.err, file: file, line: line)
        XCTAssertTrue(
            result.err.contains(message), "expected '\(message)' in:\n\(result.err)", file: file, line: line)
        XCTAssertEqual(try meta(id)["status"] as? String, "interrupted", file: file, line: line)
        XCTAssertEqual(
            try Data(contentsOf: folder(id).appendingPathComponent("epochs.csv")), before,
            "the folder changed", file: file, line: line)
    }

    func testResumeRefusesACheckpointOutsideTheRun() throws {
        let id = try interruptedRun()
        let state = folder(id).appendingPathComponent(stateFile)
        try editJSON(state) { $0["position"] = ["epoch": -5, "step": 0] }
        try resumeFails(id, with: "\(state.path): key 'position.epoch': expected an integer ≥ 0, found -5")
        try editJSON(state) { $0["position"] = ["epoch": 99, "step": 844] }
        try resumeFails(
            id,
            with: "\(state.path): key 'position.epoch': expected an epoch in 0...2 (training.epochs in"
                + " \(folder(id).appendingPathComponent("config.yaml").path)), found 99")
        try editJSON(state) { $0["position"] = ["epoch": 1, "step": 5] }
        try resumeFails(
            id, with: "\(state.path): key 'position.step': expected 6 (1 epochs of 6 batches), found 5")
        try editJSON(state) { $0["position"] = ["epoch": 1, "step": 1e30] }
        try resumeFails(id, with: "\(state.path): key 'position.step': expected an integer ≥ 0, found 1e+30")
    }

    func testResumeRefusesLogsShorterThanTheCheckpoint() throws {
        let id = try interruptedRun()
        let epochs = folder(id).appendingPathComponent("epochs.csv")
        let lines = try String(contentsOf: epochs, encoding: .utf8).split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(
            to: epochs, atomically: true, encoding: .utf8)
        try resumeFails(
            id,
            with: "\(epochs.path): expected rows for epochs 1...2 (the checkpoint in"
                + " \(folder(id).appendingPathComponent(stateFile).path) is at epoch 2), found 1")
        try (lines.joined(separator: "\n") + "\n").write(to: epochs, atomically: true, encoding: .utf8)
        let steps = folder(id).appendingPathComponent("steps.csv")
        let stepLines = try String(contentsOf: steps, encoding: .utf8).split(separator: "\n")
        try (stepLines.dropLast(3).joined(separator: "\n") + "\n").write(
            to: steps, atomically: true, encoding: .utf8)
        try resumeFails(id, with: "\(steps.path): expected rows for steps 0...11 (the checkpoint in")
        try (stepLines.joined(separator: "\n") + "\n").replacingOccurrences(of: "\n4,1,", with: "\n4,x,")
            .write(to: steps, atomically: true, encoding: .utf8)
        try resumeFails(id, with: "\(steps.path):6:3: column epoch: expected an integer ≥ 1, found 'x'")
    }

    /// state.json rewritten to an earlier, self-consistent position: checkpoint.json still records
    /// the real step (12 after two epochs of 6 batches), so resume would train on from later weights.
    func testResumeRefusesAStateThatDisagreesWithTheCheckpointManifest() throws {
        let id = try interruptedRun()
        let state = folder(id).appendingPathComponent(stateFile)
        let manifest = folder(id).appendingPathComponent("checkpoint/checkpoint.json")
        for (epoch, step) in [(0, 0), (1, 6)] {
            try editJSON(state) { $0["position"] = ["epoch": epoch, "step": step] }
            try resumeFails(
                id,
                with: "\(state.path): key 'position.step' is \(step) (epoch \(epoch)), but \(manifest.path)"
                    + " records step 12 (key 'extra'); expected the same step in both")
        }
    }

    /// A checkpoint folder without state.json is damage: an error, and the recorded epochs are kept.
    func testResumeRefusesACheckpointWithoutStateJSON() throws {
        let id = try interruptedRun()
        let state = folder(id).appendingPathComponent(stateFile)
        try FileManager.default.removeItem(at: state)
        try resumeFails(
            id,
            with: "\(state.path): expected the checkpoint's state (epoch, step, seed) beside checkpoint.json,"
                + " optimizer-")
        XCTAssertTrue(
            FileManager.default.fileExists(
                atPath: folder(id).appendingPathComponent("checkpoint/checkpoint.json").path))
    }

    /// A run folder whose meta.json is missing: resume and reproduce give the error 'runs' gives, not
    /// "no run".
    func testResumeAndReproduceNameAMissingMetaJSON() throws {
        let id = try interruptedRun()
        let meta = folder(id).appendingPathComponent("meta.json")
        try FileManager.default.removeItem(at: meta)
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        let expected = "\(meta.path): cannot read (missing or unreadable)"
        XCTAssertTrue(runs.err.contains(expected), runs.err)
        for command in ["resume", "reproduce"] {
            for reference in [id, String(id.prefix(18))] {
                let result = try BuiltBinary.run([command, reference, "--store", tiny.store.path])
                XCTAssertEqual(result.status, 1, result.err)
                XCTAssertTrue(result.err.contains(expected), "\(command) \(reference): \(result.err)")
            }
        }
    }

    func testResumeOfAValidCheckpointStillWorks() throws {
        let id = try interruptedRun()
        let resume = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(resume.status, 0, resume.err)
        XCTAssertEqual(try meta(id)["status"] as? String, "completed")
    }

    // MARK: runs, compare and predict on damaged files

    func testNonNumericEpochValuesAreReportedNotReadAsEmpty() throws {
        let id = try completedRun()
        let epochs = folder(id).appendingPathComponent("epochs.csv")
        var lines = try String(contentsOf: epochs, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = "1,abc,x,0.5,,,1,0.5,0.1,100"
        try (lines.joined(separator: "\n") + "\n").write(to: epochs, atomically: true, encoding: .utf8)
        for command in [["runs"], ["compare"], ["diff", id, id]] {
            let result = try BuiltBinary.run(command + ["--store", tiny.store.path])
            XCTAssertEqual(result.status, 1, "\(command): \(result.out)")
            XCTAssertTrue(
                result.err.contains(
                    "\(epochs.path):2:3: column lr: expected a number (or nan, inf, -inf; empty if not measured),"
                        + " found 'abc'"), result.err)
        }
    }

    func testHugeDurationListsWithoutTrapping() throws {
        let id = try completedRun()
        try editMeta(id) { $0["durationSeconds"] = 1e308 }
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        XCTAssertEqual(runs.status, 0, runs.err)
        XCTAssertTrue(runs.out.contains("2.78e+304h"), runs.out)
        try editMeta(id) { $0["durationSeconds"] = -1 }
        let negative = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        XCTAssertEqual(negative.status, 1)
        XCTAssertTrue(
            negative.err.contains(
                "meta.json: key 'durationSeconds': expected a finite number of seconds ≥ 0, found -1"),
            negative.err)
    }

    func testWeightsOfAnotherNetworkNameTheFile() throws {
        let id = try completedRun()
        let other = try completedRun(
            TinyExperiment.basic.replacingOccurrences(
                of: "  - dense: {units: 3}", with: "  - dense: {units: 5}\n  - relu\n  - dense: {units: 3}"))
        let weights = folder(id).appendingPathComponent("weights/best.safetensors")
        try FileManager.default.removeItem(at: weights)
        try FileManager.default.copyItem(
            at: folder(other).appendingPathComponent("weights/best.safetensors"), to: weights)
        let predict = try BuiltBinary.run(["predict", id, "x.png", "--store", tiny.store.path])
        XCTAssertEqual(predict.status, 1)
        XCTAssertTrue(
            predict.err.contains(
                "\(weights.path): these weights do not fit the network of"
                    + " \(folder(id).appendingPathComponent("config.yaml").path): tensor layers.1."),
            predict.err)
        // A checkpoint from another network: resume names the checkpoint folder.
        try editMeta(id) { $0["status"] = "interrupted" }
        let checkpoint = folder(id).appendingPathComponent("checkpoint")
        try FileManager.default.removeItem(at: checkpoint)
        try FileManager.default.copyItem(
            at: folder(other).appendingPathComponent("checkpoint"), to: checkpoint)
        let resume = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(resume.status, 1)
        XCTAssertTrue(
            resume.err.contains("\(checkpoint.path): the checkpoint's weights do not fit the network"),
            resume.err)
    }

    // MARK: messages

    func testAFileInTheStorePathIsNamed() throws {
        let file = dir.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let result = try BuiltBinary.run([
            "run", try tiny.write(TinyExperiment.basic), "--store", file.path + "/x",
        ])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.err.contains(
                "error: \(file.path)/x: cannot create the run store folder: \(file.path) is a file, not a folder"
            ),
            result.err)
        XCTAssertFalse(result.err.contains("NSCocoaErrorDomain"), result.err)
    }

    func testCompareShowsARunNamedTwiceOnce() throws {
        let id = try completedRun()
        let result = try BuiltBinary.run([
            "compare", id, folder(id).path, String(id.prefix(20)), "--store", tiny.store.path,
        ])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, result.out)
        XCTAssertTrue(lines[1].hasPrefix(id + ","), result.out)
    }

    func testAnEmptyStoreIsNotAnErrorForRunsOrCompare() throws {
        try FileManager.default.createDirectory(at: tiny.store, withIntermediateDirectories: true)
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        XCTAssertEqual(runs.status, 0, runs.err)
        XCTAssertTrue(runs.err.contains("no runs in \(tiny.store.path)"), runs.err)
        let compare = try BuiltBinary.run(["compare", "--store", tiny.store.path])
        XCTAssertEqual(compare.status, 0, compare.err)
        XCTAssertTrue(compare.err.contains("no runs in \(tiny.store.path)"), compare.err)
        XCTAssertTrue(
            compare.out.hasPrefix("id,name,status,started,duration_s,seed,sweep,epochs,"), compare.out)
        XCTAssertEqual(compare.out.split(separator: "\n").count, 1, compare.out)
        let history = try BuiltBinary.run(["compare", "--store", tiny.store.path, "--history"])
        XCTAssertEqual(history.status, 0)
        XCTAssertEqual(
            history.out,
            "id,epoch,lr,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc,seconds,images_per_s\n")
    }

    func testResumeKeepsTheOriginalCommandLineAndRecordsItsOwn() throws {
        let id = try interruptedRun()
        let original = try XCTUnwrap(try meta(id)["commandLine"] as? [String])
        XCTAssertEqual(original.dropFirst().first, "run")
        let resume = try BuiltBinary.run(["resume", id, "--store", tiny.store.path])
        XCTAssertEqual(resume.status, 0, resume.err)
        let after = try meta(id)
        XCTAssertEqual(after["commandLine"] as? [String], original)
        let resumes = try XCTUnwrap(after["resumeCommandLines"] as? [[String]])
        XCTAssertEqual(resumes.map { Array($0.dropFirst()) }, [["resume", id, "--store", tiny.store.path]])
        XCTAssertEqual((after["resumed"] as? [String])?.count, 1)
    }
}
