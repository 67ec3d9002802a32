import Foundation
import XCTest

/// `runs`, `compare` and `diff` through the built binary on run folders written as files, so the
/// on-disk format (not only the library) is what is tested.
final class StoreCommandsTests: XCTestCase {
    var store: URL!

    override func setUpWithError() throws { store = try makeTemporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: store) }

    func writeRun(
        _ id: String, name: String, status: String = "completed", pid: Int32 = 1, params: String,
        epochs: String, sweep: String? = nil
    ) throws {
        let folder = store.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName
        let quotedName = String(decoding: try JSONEncoder().encode(name), as: UTF8.self)
        let sweepField = sweep.map { "\"sweepID\": \"\($0)\"," } ?? ""
        let meta = """
            {"id": "\(id)", "name": \(quotedName), "status": "\(status)", "started": "2026-12-03T17:01:02Z",
             "durationSeconds": 2.5, "seed": 42, \(sweepField) "commandLine": ["workbench", "run", "x.yaml"],
             "pid": \(pid), "dataFiles": [],
             "environment": {"host": "\(host)", "os": "Linux", "cpu": "cpu", "cores": 2, "threads": 1,
                             "swiftCompiler": "6.3", "workbenchVersion": "0.1.0", "workbenchCommit": "unknown"}}
            """
        try meta.write(to: folder.appendingPathComponent("meta.json"), atomically: true, encoding: .utf8)
        try params.write(to: folder.appendingPathComponent("params.csv"), atomically: true, encoding: .utf8)
        try epochs.write(to: folder.appendingPathComponent("epochs.csv"), atomically: true, encoding: .utf8)
    }

    let header = "epoch,lr,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc,seconds,images_per_s\n"

    func testCompareQuotesAwkwardValuesAndUnionsKeySets() throws {
        try writeRun(
            "20261203T170102Z-a-0001", name: "a, \"quoted\"",
            params: "key,value\nname,\"a, \"\"quoted\"\"\"\noptimizer.lr,0.1\ndescription,\"two\nlines\"\n",
            epochs: header + "1,0.1,2.0,0.5,,,1.5,0.25,0.1,100\n2,0.1,nan,0.6,,,inf,0.5,0.1,100\n")
        try writeRun(
            "20261203T170103Z-b-0002", name: "b",
            params: "key,value\noptimizer.lr,0.05\noptimizer.momentum,0.9\n",
            epochs: header + "1,0.05,1.0,0.7,,,-inf,0.75,0.1,100\n")
        let result = try BuiltBinary.run(["compare", "--store", store.path])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.components(separatedBy: "\n")
        guard lines.count == 5 else { return XCTFail("expected 3 records over 4 lines:\n\(result.out)") }
        XCTAssertEqual(
            lines[0],
            "id,name,status,started,duration_s,seed,sweep,optimizer.lr,description,"
                + "optimizer.momentum,epochs,final_train_loss,final_train_acc,final_val_loss,final_val_acc,"
                + "final_test_loss,final_test_acc,best_by,best_epoch,best_train_loss,best_train_acc,"
                + "best_val_loss,best_val_acc,best_test_loss,best_test_acc")
        XCTAssertEqual(
            lines[1],
            "20261203T170102Z-a-0001,\"a, \"\"quoted\"\"\",completed,2026-12-03T17:01:02Z,"
                + "2.500,42,,0.1,\"two")
        XCTAssertEqual(lines[2], "lines\",,2,nan,0.6,,,inf,0.5,test_acc,2,nan,0.6,,,inf,0.5")
        XCTAssertEqual(
            lines[3],
            "20261203T170103Z-b-0002,b,completed,2026-12-03T17:01:02Z,2.500,42,,0.05,,0.9,"
                + "1,1.0,0.7,,,-inf,0.75,test_acc,1,1.0,0.7,,,-inf,0.75")

        let sorted = try BuiltBinary.run(["compare", "--store=\(store.path)", "--sort", "-best_test_acc"])
        XCTAssertEqual(sorted.status, 0, sorted.err)
        XCTAssertTrue(
            sorted.out.components(separatedBy: "\n")[1].hasPrefix("20261203T170103Z-b-0002"), sorted.out)

        let history = try BuiltBinary.run([
            "compare", "20261203T170102Z-a", "--store", store.path, "--history",
        ])
        XCTAssertEqual(history.status, 0, history.err)
        XCTAssertEqual(
            history.out,
            "id," + header
                + "20261203T170102Z-a-0001,1,0.1,2.0,0.5,,,1.5,0.25,0.1,100\n"
                + "20261203T170102Z-a-0001,2,0.1,nan,0.6,,,inf,0.5,0.1,100\n")

        let badSort = try BuiltBinary.run(["compare", "--store", store.path, "--sort", "optimizer.l"])
        XCTAssertEqual(badSort.status, 1)
        XCTAssertTrue(
            badSort.err.contains("unknown sort key 'optimizer.l' (did you mean 'optimizer.lr'?)"), badSort.err
        )
    }

    func testRunsListsStatusesIncludingStale() throws {
        try writeRun(
            "20261203T170102Z-a-0001", name: "a", params: "key,value\n",
            epochs: header + "1,0.1,2.0,0.5,,,1.5,0.25,0.1,100\n")
        try writeRun(
            "20261203T170104Z-b-0002", name: "b", status: "running", pid: Int32.max - 1,
            params: "key,value\n", epochs: header)
        let result = try BuiltBinary.run(["runs", "--store", store.path])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, result.out)
        XCTAssertTrue(lines[0].hasPrefix("ID"))
        XCTAssertTrue(
            lines[1].contains("20261203T170102Z-a-0001") && lines[1].contains("completed")
                && lines[1].contains("test_acc=0.2500 @1"), lines[1])
        XCTAssertTrue(lines[2].contains("20261203T170104Z-b-0002") && lines[2].contains("stale"), lines[2])

        // A corrupt run folder is reported and skipped; the others still list.
        let broken = store.appendingPathComponent("20261203T170105Z-c-0003")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "{\"id\": ".write(
            to: broken.appendingPathComponent("meta.json"), atomically: true, encoding: .utf8)
        let partial = try BuiltBinary.run(["runs", "--store", store.path])
        XCTAssertEqual(partial.status, 1)
        XCTAssertEqual(partial.out.split(separator: "\n").count, 3, partial.out)
        XCTAssertTrue(
            partial.err.contains(
                "error: skipping 20261203T170105Z-c-0003: \(broken.path)/meta.json: "
                    + "expected a JSON document, found malformed JSON"), partial.err)
    }

    func testDiffShowsOnlyWhatDiffers() throws {
        try writeRun(
            "r1", name: "a", params: "key,value\noptimizer.lr,0.1\ntraining.epochs,2\n",
            epochs: header + "1,0.1,2.0,0.5,,,1.5,0.25,0.1,100\n")
        try writeRun(
            "r2", name: "a", params: "key,value\noptimizer.lr,0.05\ntraining.epochs,2\n",
            epochs: header + "1,0.1,2.0,0.5,,,1.5,0.5,0.1,100\n")
        let result = try BuiltBinary.run(["diff", "r1", "r2", "--store", store.path])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(
            result.out,
            """
            --- r1
            +++ r2
            hyperparameters:
              optimizer.lr: 0.1 -> 0.05
            metrics:
              final_test_acc: 0.25 -> 0.5
              best_test_acc: 0.25 -> 0.5

            """)
        let missing = try BuiltBinary.run(["diff", "r1", "zz", "--store", store.path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("no run 'zz' in store"), missing.err)
    }

    func testRunsTableEscapesControlCharactersAndAlignsWideNames() throws {
        let epochs = header + "1,0.1,2.0,0.5,,,1.5,0.25,0.1,100\n"
        try writeRun(
            "20261203T170102Z-a-0001", name: "two\nlines\tand\u{1B}[31mred", params: "key,value\n",
            epochs: epochs)
        try writeRun("20261203T170103Z-b-0002", name: "日本語のモデル", params: "key,value\n", epochs: epochs)
        try writeRun("20261203T170104Z-c-0003", name: "cafe\u{301}", params: "key,value\n", epochs: epochs)
        let result = try BuiltBinary.run(["runs", "--store", store.path])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(
            String.init)
        XCTAssertEqual(lines.count, 4, result.out)
        XCTAssertFalse(result.out.contains("\u{1B}") || result.out.contains("\t"), result.out)
        XCTAssertTrue(lines[1].contains("two\\nlines\\tand\\x1B[31mred"), lines[1])
        // STATUS starts at the same terminal column on every line.
        func statusColumn(_ line: String) -> Int? {
            guard let range = line.range(of: line.hasPrefix("ID") ? "STATUS" : "completed") else {
                return nil
            }
            return TerminalWidth.of(String(line[..<range.lowerBound]))
        }
        let columns = lines.map(statusColumn)
        XCTAssertEqual(Set(columns).count, 1, "\(columns)\n\(result.out)")
    }
}

/// Terminal columns as a test sees them (two for CJK ideographs and kana, none for combining marks).
enum TerminalWidth {
    static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            if scalar.properties.generalCategory == .nonspacingMark { return total }
            return total + ((0x3040...0x9FFF).contains(scalar.value) ? 2 : 1)
        }
    }
}
