import Foundation
import XCTest

@testable import WorkbenchExperiments

/// docs/runs.md's command table lists every option each command's `--help` shows.
final class CommandDocsTests: XCTestCase {
    func testRunsDocCommandTableListsEveryOption() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/runs.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") }
        for (path, type) in WorkbenchCLI.commands {
            let name = path.joined(separator: " ")
            let mine = rows.filter { $0.hasPrefix("| `\(name) ") || $0.hasPrefix("| `\(name)`") }
            XCTAssertFalse(mine.isEmpty, "docs/runs.md has no row for \(name)")
            for option in type.spec.options where !option.hidden {
                XCTAssertTrue(
                    mine.contains { $0.contains("--\(option.name)") },
                    "docs/runs.md: the row for '\(name)' lacks --\(option.name)")
            }
        }
    }
}
