import Foundation
import XCTest

@testable import WorkbenchExperiments

/// meta.json and checkpoint/state.json with valid JSON but wrong types or out-of-range values:
/// each is an error naming the file, the key, what was expected and what was found.
final class RunFileJSONTests: XCTestCase {
    var folder: RunFolder!

    override func setUpWithError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("json-\(UUID().uuidString)")
        folder = try RunStore(root: root).createRun(name: "j")
        var meta = RunMeta(
            id: folder.id, name: "j", status: .completed, started: Date(), seed: 7,
            commandLine: ["workbench", "run", "x.yaml"], environment: .current(threads: 1),
            dataFiles: [DataFileChecksum(key: "data.train.images", path: "/x", bytes: 10, sha256: "ab")])
        meta.resumed = ["2026-12-03T17:01:02Z"]
        meta.durationSeconds = 2
        try folder.writeMeta(meta)
        try FileManager.default.createDirectory(at: folder.checkpoint, withIntermediateDirectories: true)
        try AtomicFile.writeJSON(
            Checkpointer.State(position: TrainingPosition(epoch: 2, step: 12), seed: 7, randomStreams: "r"),
            to: stateURL)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder.url.deletingLastPathComponent())
    }

    var stateURL: URL { folder.checkpoint.appendingPathComponent("state.json") }

    /// Edits the JSON object in `url` (the closure gets and changes the top-level object).
    func edit(_ url: URL, _ change: (inout [String: Any]) -> Void) throws {
        var object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    func metaError(_ change: (inout [String: Any]) -> Void) throws -> String {
        try setUpWithError()
        try edit(folder.meta, change)
        do {
            _ = try folder.readMeta()
            return "no error"
        } catch {
            return "\(error)".replacingOccurrences(of: "error: \(folder.meta.path): ", with: "")
        }
    }

    func testAValidMetaReadsBackWithItsProcessIdentity() throws {
        let meta = try folder.readMeta()
        XCTAssertEqual(meta.seed, 7)
        XCTAssertEqual(meta.pid, getpid())
        XCTAssertEqual(meta.resumed, ["2026-12-03T17:01:02Z"])
        XCTAssertEqual(meta.dataFiles.first?.bytes, 10)
    }

    func testWrongTypesAndRangesNameTheKey() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("key 'seed': expected an integer ≥ 0, found -1", { $0["seed"] = -1 }),
            ("key 'seed': expected an integer ≥ 0, found 1.5", { $0["seed"] = 1.5 }),
            ("key 'seed': expected an integer ≥ 0, found 'forty-two'", { $0["seed"] = "forty-two" }),
            ("key 'pid': expected an integer in 1...2147483647, found 1e+30", { $0["pid"] = 1e30 }),
            ("key 'pid': expected an integer in 1...2147483647, found null", { $0["pid"] = NSNull() }),
            ("key 'pid': expected an integer in 1...2147483647, found 4294967297", { $0["pid"] = 4_294_967_297 }),
            ("key 'seed': expected an integer ≥ 0, found no such key", { $0["seed"] = nil }),
            (
                "key 'status': expected one of running, completed, failed, interrupted, found 'bogus'",
                { $0["status"] = "bogus" }
            ),
            (
                "key 'status': expected one of running, completed, failed, interrupted, found 'stale'",
                { $0["status"] = "stale" }
            ),
            (
                "key 'durationSeconds': expected a finite number of seconds ≥ 0, found -3.5",
                {
                    $0["durationSeconds"] = -3.5
                }
            ),
            (
                "key 'durationSeconds': expected a finite number of seconds ≥ 0, found inf",
                {
                    $0["durationSeconds"] = "inf"
                }
            ),
            (
                "key 'started': expected an ISO 8601 UTC time such as 2026-12-03T17:01:02Z, found 'yesterday\\n'",
                { $0["started"] = "yesterday\n" }
            ),
            (
                "key 'resumed[1]': expected an ISO 8601 UTC time such as 2026-12-03T17:01:02Z, found 'x'",
                {
                    $0["resumed"] = ["2026-12-03T17:01:02Z", "x"]
                }
            ),
            (
                "key 'commandLine': expected a list of strings, found 'workbench run'",
                {
                    $0["commandLine"] = "workbench run"
                }
            ),
            (
                "key 'environment.cores': expected an integer ≥ 0, found 'two'",
                {
                    var e = $0["environment"] as! [String: Any]
                    e["cores"] = "two"
                    $0["environment"] = e
                }
            ),
            (
                "key 'dataFiles[0].bytes': expected an integer ≥ 0, found -1",
                {
                    var f = ($0["dataFiles"] as! [[String: Any]])[0]
                    f["bytes"] = -1
                    $0["dataFiles"] = [f]
                }
            ),
            ("key 'processStart': expected an integer ≥ 0, found -2", { $0["processStart"] = -2 }),
        ]
        for (expected, change) in cases {
            XCTAssertEqual(try metaError(change), expected)
        }
    }

    func testMetaWithoutTheNewerFieldsStillReads() throws {
        _ = try metaError {
            for key in ["bootID", "processStart", "resumed", "durationSeconds", "ended"] {
                $0[key] = nil
            }
        }
        let meta = try folder.readMeta()
        XCTAssertNil(meta.bootID)
        XCTAssertNil(meta.processStart)
    }

    func testMalformedJSONSaysWhere() throws {
        try Data("{\n  \"id\": \"x\",\n  \"seed\": 1 2\n}\n".utf8).write(to: folder.meta)
        XCTAssertThrowsError(try folder.readMeta()) {
            XCTAssertTrue(
                "\($0)".hasPrefix(
                    "error: \(self.folder.meta.path): expected a JSON document, found malformed JSON (")
                    && "\($0)".contains("line 3"), "\($0)")
        }
        try setUpWithError()
        let text = try String(contentsOf: folder.meta, encoding: .utf8)
        try text.replacingOccurrences(of: "\"seed\" : 7", with: "\"seed\" : 1e400").write(
            to: folder.meta, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try folder.readMeta()) {
            XCTAssertEqual(
                "\($0)",
                "error: \(self.folder.meta.path): key 'seed': expected an integer ≥ 0, found a number out of range"
            )
        }
    }

    func testStateJSONPositionsAreCheckedCounts() throws {
        for (change, expected) in [
            (["epoch": -5, "step": 0], "key 'position.epoch': expected an integer ≥ 0, found -5"),
            (["epoch": 1, "step": 1e30], "key 'position.step': expected an integer ≥ 0, found 1e+30"),
        ] as [([String: Any], String)] {
            try edit(stateURL) { $0["position"] = change }
            XCTAssertThrowsError(try Checkpointer.latest(in: folder)) {
                XCTAssertEqual("\($0)", "error: \(self.stateURL.path): \(expected)")
            }
        }
        try edit(stateURL) {
            $0["position"] = ["epoch": 1, "step": 6]
            $0["seed"] = -1
        }
        XCTAssertThrowsError(try Checkpointer.latest(in: folder)) {
            XCTAssertTrue("\($0)".contains("key 'seed': expected an integer ≥ 0, found -1"), "\($0)")
        }
    }

    func testATopLevelArrayIsNamedAsSuch() throws {
        try Data("[]".utf8).write(to: stateURL)
        XCTAssertThrowsError(try Checkpointer.latest(in: folder)) {
            XCTAssertEqual(
                "\($0)", "error: \(self.stateURL.path): the top level: expected a JSON object, found an array")
        }
    }

    func testHugeDurationsFormatWithoutTrapping() {
        XCTAssertEqual(RunRecord.formatDuration(1e308), "2.78e+304h")
        XCTAssertEqual(RunRecord.formatDuration(3723), "1h02m03s")
        XCTAssertEqual(RunRecord.formatDuration(6.14), "6.1s")
        XCTAssertEqual(RunRecord.formatDuration(-1), "")
        XCTAssertEqual(RunRecord.formatDuration(.infinity), "")
    }
}
