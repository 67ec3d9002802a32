import Foundation
import XCTest

@testable import WorkbenchExperiments

/// docs/experiment-file.md documents every key: its reference section is the schema tables' text.
final class SchemaDocsTests: XCTestCase {
    func testDocsContainTheGeneratedReference() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let docs = try String(
            contentsOf: root.appendingPathComponent("docs/experiment-file.md"), encoding: .utf8)
        let reference = ExperimentSchema.markdownReference()
        if ProcessInfo.processInfo.environment["WORKBENCH_PRINT_SCHEMA"] != nil { print(reference) }
        XCTAssertTrue(
            docs.contains(reference),
            "docs/experiment-file.md is out of date with ExperimentSchema; "
                + "regenerate its reference section from ExperimentSchema.markdownReference()")
    }
}
