import Foundation
import XCTest

@testable import WorkbenchExperiments

/// docs/experiment-file.md documents every key: everything after its `## Reference` heading is exactly
/// the schema tables' text, `ExperimentSchema.markdownReference()`, to the end of the file.
///
/// After changing `ExperimentSchema`, regenerate that part of the docs with
/// `WORKBENCH_UPDATE_SCHEMA_DOCS=1 swift test ... --filter SchemaDocsTests` (the test rewrites the file
/// from the heading on, then checks it as usual).
final class SchemaDocsTests: XCTestCase {
    static let heading = "## Reference\n\n"

    func testDocsEndWithTheGeneratedReference() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = root.appendingPathComponent("docs/experiment-file.md")
        var docs = try String(contentsOf: url, encoding: .utf8)
        let reference = ExperimentSchema.markdownReference()
        let headings = docs.ranges(of: Self.heading)
        XCTAssertEqual(headings.count, 1, "docs/experiment-file.md needs exactly one '## Reference' heading")
        guard let heading = headings.first else { return }
        if ProcessInfo.processInfo.environment["WORKBENCH_UPDATE_SCHEMA_DOCS"] != nil {
            docs = String(docs[..<heading.upperBound]) + reference
            try docs.write(to: url, atomically: true, encoding: .utf8)
        }
        let tail = String(docs[heading.upperBound...])
        XCTAssertTrue(
            tail == reference,
            "docs/experiment-file.md is out of date with ExperimentSchema after '## Reference' "
                + "(first difference at line \(Self.firstDifferentLine(tail, reference)) of the section); "
                + "regenerate it with WORKBENCH_UPDATE_SCHEMA_DOCS=1 (see SchemaDocsTests)")
    }

    /// The reference ends with a table row, so nothing can trail it unnoticed.
    func testReferenceEndsWithOneNewline() {
        let reference = ExperimentSchema.markdownReference()
        XCTAssertTrue(reference.hasSuffix("|\n"), String(reference.suffix(40)))
    }

    static func firstDifferentLine(_ a: String, _ b: String) -> Int {
        let (la, lb) = (
            a.split(separator: "\n", omittingEmptySubsequences: false),
            b.split(separator: "\n", omittingEmptySubsequences: false)
        )
        return
            (zip(la, lb).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(la.count, lb.count)) + 1
    }
}
