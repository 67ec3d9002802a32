import XCTest

@testable import WorkbenchExperiments

final class RunStoreTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func makeRun(
        _ name: String, params: [(String, String)], epochs: [[String: String]],
        status: RunStatus = .completed
    ) throws -> RunFolder {
        let folder = try RunStore(root: root).createRun(name: name)
        var meta = RunMeta(
            id: folder.id, name: name, status: status, started: Date(), seed: 7,
            commandLine: ["workbench", "run"], environment: .current(threads: 1), dataFiles: [])
        meta.durationSeconds = 1.5
        try folder.writeMeta(meta)
        try folder.writeParams(params.map { (key: $0.0, value: $0.1) })
        let log = try MetricsLog(url: folder.epochs, header: MetricsLog.epochColumns)
        for row in epochs { try log.append(row) }
        return folder
    }

    func testIdsAreTimeSortableAndFoldersNeverShared() throws {
        let date = Date(timeIntervalSince1970: 1_796_317_262)  // 2026-12-03T17:01:02Z
        XCTAssertEqual(RunID.timestamp(date), "20261203T170102Z")
        XCTAssertEqual(RunID.sanitized("lenet 5/fashion"), "lenet-5-fashion")
        XCTAssertEqual(RunID.sanitized("lenet5.v2"), "lenet5-v2", "'.' is one of the other characters")
        XCTAssertEqual(RunID.sanitized(".hidden."), "hidden")
        let store = RunStore(root: root)
        // Many runs in the same second: every one gets its own folder.
        let ids = try (0..<40).map { _ in try store.createRun(name: "x", date: date).id }
        XCTAssertEqual(Set(ids).count, 40)
        XCTAssertTrue(
            ids.allSatisfy {
                $0.hasPrefix("20261203T170102Z-x-") && $0.count == "20261203T170102Z-x-abcd".count
            })
    }

    func testResolveByIdPrefixAndPath() throws {
        let a = try makeRun("alpha", params: [], epochs: [])
        let b = try makeRun("beta", params: [], epochs: [])
        let store = RunStore(root: root)
        XCTAssertEqual(try store.resolve(a.id), a)
        XCTAssertEqual(try store.resolve(String(b.id.prefix(b.id.count - 2))), b)
        XCTAssertEqual(try store.resolve(a.url.path).url.standardizedFileURL, a.url.standardizedFileURL)
        XCTAssertThrowsError(try store.resolve("2")) {
            XCTAssertTrue("\($0)".contains("is ambiguous"), "\($0)")
        }
        XCTAssertThrowsError(try store.resolve("nope")) {
            XCTAssertTrue("\($0)".contains("no run 'nope'"), "\($0)")
        }
    }

    func testResolveInAMissingStoreSaysTheStoreIsMissing() throws {
        let missing = RunStore(root: root.appendingPathComponent("absent"))
        XCTAssertThrowsError(try missing.resolve("20261203T170102Z-x")) {
            XCTAssertTrue("\($0)".contains("absent: no such run store folder"), "\($0)")
        }
    }

    func testMetricsLogHasOneHeaderAndTruncates() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let url = root.appendingPathComponent("steps.csv")
        var log = try MetricsLog(url: url, header: MetricsLog.stepColumns)
        for step in 0..<6 {
            try log.append(["step": "\(step)", "epoch": "\(step / 3 + 1)", "loss": "0.5", "lr": "0.1"])
        }
        log = try MetricsLog(url: url, header: MetricsLog.stepColumns)  // reopening adds no header
        try log.truncate { Int($0["epoch"]!)! <= 1 }
        try log.append(["step": "3", "epoch": "2", "loss": "nan", "lr": "0.1"])
        XCTAssertEqual(
            try String(contentsOf: url, encoding: .utf8),
            "step,epoch,loss,lr\n0,1,0.5,0.1\n1,1,0.5,0.1\n2,1,0.5,0.1\n3,2,nan,0.1\n")
        XCTAssertThrowsError(try MetricsLog(url: url, header: ["a"])) {
            XCTAssertTrue("\($0)".contains("expected header a, found step,epoch,loss,lr"), "\($0)")
        }
    }

    func testSummaryPicksBestByValidationThenTest() {
        let rows: [[String: String]] = [
            ["epoch": "1", "train_loss": "1.0", "val_acc": "0.5", "test_acc": "0.9"],
            ["epoch": "2", "train_loss": "0.5", "val_acc": "0.7", "test_acc": "0.6"],
            ["epoch": "3", "train_loss": "0.4", "val_acc": "0.7", "test_acc": "0.8"],
        ]
        let s = RunSummary(epochRows: rows)
        XCTAssertEqual(s.bestBy, "val_acc")
        XCTAssertEqual(s.bestEpoch, 2)  // tie with epoch 3 goes to the earlier epoch
        XCTAssertEqual(s.best["test_acc"], 0.6)
        XCTAssertEqual(s.finalEpoch, 3)
        XCTAssertEqual(s.final["train_loss"], 0.4)
        let noValidation = RunSummary(epochRows: rows.map { $0.filter { $0.key != "val_acc" } })
        XCTAssertEqual(noValidation.bestBy, "test_acc")
        XCTAssertEqual(noValidation.bestEpoch, 1)
        let lossOnly = RunSummary(epochRows: [
            ["epoch": "1", "train_loss": "nan"], ["epoch": "2", "train_loss": "3"],
        ])
        XCTAssertEqual(lossOnly.bestBy, "train_loss")
        XCTAssertEqual(lossOnly.bestEpoch, 2)  // NaN is never best
    }

    func testWideTableUnionsKeysAndSortsNumerically() throws {
        _ = try makeRun(
            "a", params: [("name", "a"), ("seed", "7"), ("optimizer.lr", "0.1")],
            epochs: [["epoch": "1", "train_loss": "2.0", "test_acc": "0.25"]])
        _ = try makeRun(
            "b", params: [("optimizer.lr", "0.05"), ("optimizer.momentum", "0.9")],
            epochs: [["epoch": "1", "train_loss": "1.0", "test_acc": "0.5"]])
        let records = try RunStore(root: root).runFolders().map(RunRecord.init(folder:))
        let (header, rows) = RunComparison.wide(records)
        XCTAssertEqual(
            Array(header.prefix(10)),
            [
                "id", "name", "status", "started", "duration_s", "seed", "sweep", "optimizer.lr",
                "optimizer.momentum", "epochs",
            ])
        XCTAssertEqual(rows[0][7...8], ["0.1", ""])
        XCTAssertEqual(rows[1][7...8], ["0.05", "0.9"])
        XCTAssertEqual(rows[0][header.firstIndex(of: "best_test_acc")!], "0.25")
        let sorted = try RunComparison.sort(rows, header: header, by: "optimizer.lr")
        XCTAssertEqual(sorted.map { $0[1] }, ["b", "a"])
        XCTAssertEqual(
            try RunComparison.sort(rows, header: header, by: "-final_test_acc").map { $0[1] }, ["b", "a"])
        XCTAssertThrowsError(try RunComparison.sort(rows, header: header, by: "optimizer.l")) {
            XCTAssertTrue(
                "\($0)".contains("unknown sort key 'optimizer.l' (did you mean 'optimizer.lr'?)"), "\($0)")
        }
        let differences = RunComparison.differences(records[0], records[1])
        XCTAssertEqual(
            differences.filter { $0.section == "hyperparameters" }.map(\.key),
            ["name", "seed", "optimizer.lr", "optimizer.momentum"])
        XCTAssertTrue(
            differences.contains(
                .init(section: "metrics", key: "final_train_loss", left: "2.0", right: "1.0")))
        XCTAssertFalse(differences.contains { $0.section == "environment" })
    }

    func testRunningRunWithDeadPidIsStale() throws {
        let folder = try makeRun("s", params: [], epochs: [], status: .running)
        var meta = try folder.readMeta()
        XCTAssertEqual(try RunRecord(folder: folder).status, .running)  // this process is alive
        meta.pid = Int32.max - 1
        try folder.writeMeta(meta)
        XCTAssertEqual(try RunRecord(folder: folder).status, .stale)
    }

    func testAReusedPidOrAnotherBootIsStale() throws {
        let folder = try makeRun("s", params: [], epochs: [], status: .running)
        let mine = try folder.readMeta()
        XCTAssertEqual(mine.pid, getpid())
        XCTAssertNotNil(mine.bootID)
        let start = try XCTUnwrap(mine.processStart)
        XCTAssertEqual(try RunRecord(folder: folder).status, .running)
        func status(_ change: (inout RunMeta) -> Void) throws -> RunStatus {
            var meta = mine
            change(&meta)
            try folder.writeMeta(meta)
            return try RunRecord(folder: folder).status
        }
        // pid 1 always exists, but it is not the process that started this run.
        XCTAssertEqual(try status { $0.pid = 1 }, .stale)
        XCTAssertEqual(try status { $0.processStart = start + 1 }, .stale)
        XCTAssertEqual(try status { $0.bootID = "00000000-0000-0000-0000-000000000000" }, .stale)
        // A run recorded before the identity was kept is judged by its pid and its start time: a
        // process with the pid that started before the run did may be running it...
        XCTAssertEqual(
            try status {
                $0.pid = 1
                $0.processStart = nil
                $0.bootID = nil
            }, .running)
        // ...one that started after the run (and after its last resume) is another process.
        for pid in [1, getpid()] {
            XCTAssertEqual(
                try status {
                    $0.pid = pid
                    $0.processStart = nil
                    $0.bootID = nil
                    $0.started = "2000-01-01T00:00:00Z"
                }, .stale, "pid \(pid)")
        }
        XCTAssertEqual(
            try status {
                $0.processStart = nil
                $0.started = "2000-01-01T00:00:00Z"
                $0.resumed = [ISO8601.string(Date())]
            }, .running, "resumed by this process")
        let mineStarted = try XCTUnwrap(ProcessIdentity.startDate(of: getpid()))
        XCTAssertLessThan(abs(mineStarted.timeIntervalSinceNow), 3600, "\(mineStarted)")
    }

    func testProcessStartIsField22OfProcStat() {
        let line =
            "4242 (odd) name) (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 1000 50\n"
        XCTAssertEqual(ProcessIdentity.startTime(fromStat: line), 987654)
        XCTAssertNil(ProcessIdentity.startTime(fromStat: "4242 (short) S 1"))
        XCTAssertEqual(ProcessIdentity.startTime(of: getpid()), ProcessIdentity.startTime(of: getpid()))
        XCTAssertNotNil(ProcessIdentity.startTime(of: getpid()))
        XCTAssertNil(ProcessIdentity.startTime(of: Int32.max - 1))
    }
}

/// Hand-damaged CSV files of a run folder are errors naming file:line:column, never silent gaps.
final class RunFolderCSVTests: XCTestCase {
    var folder: RunFolder!

    override func setUpWithError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        folder = RunFolder(url: url)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder.url) }

    let header = "epoch,lr,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc,seconds,images_per_s\n"

    func epochsError(_ text: String) -> String {
        try? text.write(to: folder.epochs, atomically: true, encoding: .utf8)
        do {
            _ = try folder.readEpochs()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testEpochsAcceptsNumbersNonFiniteTokensAndEmptyFields() throws {
        try (header + "1,0.1,2.0,0.5,,,nan,inf,0.1,100\n2,0.1,-inf,0.6,,,1,0.5,0.1,100\n").write(
            to: folder.epochs, atomically: true, encoding: .utf8)
        let rows = try folder.readEpochs()
        XCTAssertEqual(rows.map { $0["epoch"] }, ["1", "2"])
        XCTAssertEqual(rows[1]["train_loss"], "-inf")
    }

    func testNonNumericEpochFieldsNameFileLineAndColumn() {
        let path = folder.epochs.path
        XCTAssertEqual(
            epochsError(header + "1,abc,x,0.5,,,1,0.5,0.1,100\n"),
            "error: \(path):2:3: column lr: expected a number (or nan, inf, -inf; empty if not measured),"
                + " found 'abc'")
        XCTAssertEqual(
            epochsError(header + "1,0.1,2.0,0.5,,,1,0.5,0.1,100\n2,0.1,2.0,0.5,,,1,0.5,\u{1B}[2J,100\n"),
            "error: \(path):3:23: column seconds: expected a number (or nan, inf, -inf; empty if not measured),"
                + " found '\\x1B[2J'")
    }

    func testEpochsMustBeNumberedInOrder() {
        let path = folder.epochs.path
        XCTAssertEqual(
            epochsError(header + "x,0.1,2.0,0.5,,,1,0.5,0.1,100\n"),
            "error: \(path):2:1: column epoch: expected 1 (rows numbered 1, 2, ... in order), found 'x'")
        XCTAssertEqual(
            epochsError(header + "1,0.1,2.0,0.5,,,1,0.5,0.1,100\n3,0.1,2.0,0.5,,,1,0.5,0.1,100\n"),
            "error: \(path):3:1: column epoch: expected 2 (rows numbered 1, 2, ... in order), found '3'")
        XCTAssertEqual(
            epochsError(header + "-5,0.1,2.0,0.5,,,1,0.5,0.1,100\n"),
            "error: \(path):2:1: column epoch: expected 1 (rows numbered 1, 2, ... in order), found '-5'")
    }

    func testStepsAreCheckedToo() throws {
        try "step,epoch,loss,lr\n0,1,0.5,0.1\n1,1,0.4,0.1\n".write(
            to: folder.steps, atomically: true, encoding: .utf8)
        XCTAssertEqual(try folder.countSteps(), 2)
        try "step,epoch,loss,lr\n0,1,0.5,0.1\n1,0,0.4,0.1\n".write(
            to: folder.steps, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try folder.countSteps()) {
            XCTAssertEqual(
                "\($0)",
                "error: \(self.folder.steps.path):3:3: column epoch: expected an integer ≥ 1, found '0'")
        }
        try "step,epoch,loss,lr\n0,1,zero,0.1\n".write(to: folder.steps, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try folder.countSteps()) {
            XCTAssertTrue("\($0)".contains("steps.csv:2:5: column loss: expected a number"), "\($0)")
        }
    }

    func testParamsErrorsShowControlBytesEscaped() throws {
        try "key,value\u{1B}]0;title\u{7}\n".write(to: folder.params, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try folder.readParams()) {
            XCTAssertEqual(
                "\($0)",
                "error: \(self.folder.params.path): expected header key,value, found key,value\\x1B]0;title\\x07"
            )
        }
        try "key,value\n,1\n".write(to: folder.params, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try folder.readParams()) {
            XCTAssertTrue("\($0)".contains("params.csv:2:1: expected a key"), "\($0)")
        }
    }
}

final class FoldersTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("folders-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        chmod(root.path, 0o755)
        try? FileManager.default.removeItem(at: root)
    }

    func testCreatesParentsAndNamesWhatIsInTheWay() throws {
        let deep = root.appendingPathComponent("a/b/c")
        try Folders.create(deep, what: "the run store folder")
        try Folders.create(deep, what: "the run store folder")  // existing: fine
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: deep.path, isDirectory: &isDirectory))
        XCTAssertTrue(isDirectory.boolValue)
        let file = root.appendingPathComponent("a/file")
        try Data().write(to: file)
        XCTAssertThrowsError(
            try Folders.create(file.appendingPathComponent("x/y"), what: "the run store folder")
        ) {
            XCTAssertEqual(
                "\($0)",
                "error: \(file.path)/x/y: cannot create the run store folder: \(file.path) is a file, not a folder"
            )
        }
    }

    func testNamesTheFolderItMayNotWriteIn() throws {
        try XCTSkipIf(geteuid() == 0, "root may write anywhere")
        chmod(root.path, 0o555)
        XCTAssertThrowsError(
            try Folders.create(root.appendingPathComponent("x"), what: "the run store folder")
        ) {
            XCTAssertEqual(
                "\($0)",
                "error: \(self.root.path)/x: cannot create the run store folder: cannot make \(self.root.path)/x"
                    + " in \(self.root.path): Permission denied")
        }
    }
}
