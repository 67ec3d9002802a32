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
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    func editMeta(_ id: String, _ change: (inout [String: Any]) -> Void) throws {
        try editJSON(folder(id).appendingPathComponent("meta.json"), change)
    }

    func statusLine(_ id: String) throws -> String {
        let runs = try BuiltBinary.run(["runs", "--store", tiny.store.path])
        return String(try XCTUnwrap(runs.out.split(separator: "\n").first { $0.contains(id) }, runs.out + runs.err))
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
}
