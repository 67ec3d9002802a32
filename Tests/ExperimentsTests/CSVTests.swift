import XCTest

@testable import WorkbenchExperiments

final class CSVTests: XCTestCase {
    func testQuotingFollowsRFC4180() {
        XCTAssertEqual(
            CSV.record(["plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", ""]),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",")
    }

    func testParseRoundTripsAwkwardFields() throws {
        let rows = [
            ["id", "note", "empty"], ["1", "a,b", ""], ["2", "say \"hi\"\r\nnext", "x"], ["", "", ""],
        ]
        let text = CSV.table(header: rows[0], rows: Array(rows.dropFirst()))
        XCTAssertEqual(try CSV.parse(text, source: "t.csv"), rows)
        // CRLF line ends and a last line without a line end.
        XCTAssertEqual(
            try CSV.parse("a,b\r\n1,\"2\"\r\n3,4", source: "t.csv"), [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    func testMalformedQuotingNamesFileLineAndColumn() {
        XCTAssertThrowsError(try CSV.parse("a,b\n1,\"open\n", source: "t.csv")) {
            XCTAssertEqual("\($0)", "error: t.csv:2:3: quoted field not closed before end of file")
        }
        XCTAssertThrowsError(try CSV.parse("a,b\n\"x\"y,2\n", source: "t.csv")) {
            XCTAssertEqual(
                "\($0)", "error: t.csv:2:4: expected ',' or line end after a quoted field, found 'y'")
        }
        XCTAssertThrowsError(try CSV.parse("a,b\nx\"y,2\n", source: "t.csv")) {
            XCTAssertEqual("\($0)", "error: t.csv:2:2: stray '\"' inside an unquoted field 'x'")
        }
    }

    func testErrorsShowControlCharactersEscaped() {
        XCTAssertThrowsError(try CSV.parse("key,value\na\u{1B}[2J\u{7}\"b,1\n", source: "params.csv")) {
            XCTAssertEqual(
                "\($0)", "error: params.csv:2:7: stray '\"' inside an unquoted field 'a\\x1B[2J\\x07'")
            XCTAssertFalse("\($0)".contains("\u{1B}"))
        }
        XCTAssertThrowsError(try CSV.parse("a,b\n\"x\"\u{9B}y\n", source: "t.csv")) {
            XCTAssertEqual(
                "\($0)", "error: t.csv:2:4: expected ',' or line end after a quoted field, found '\\x9B'")
        }
    }

    func testFieldsKnowWhereTheyStart() throws {
        let records = try CSV.parseFields("a,bb,c\n\"x\ny\",,zz\n1,\"\"\"q\",3", source: "t.csv")
        XCTAssertEqual(
            records.map { $0.map { "\($0.line):\($0.column)" } },
            [["1:1", "1:3", "1:6"], ["2:1", "3:4", "3:5"], ["4:1", "4:3", "4:9"]])
        XCTAssertEqual(records[1].map(\.text), ["x\ny", "", "zz"])
    }

    func testNonFiniteTokensRoundTrip() {
        for value in [0.1, -2.5e-8, 1e300, Double.infinity, -Double.infinity] {
            XCTAssertEqual(CSV.number(CSV.format(value)), value)
        }
        XCTAssertEqual(CSV.format(Double.nan), "nan")
        XCTAssertEqual(CSV.format(Double.infinity), "inf")
        XCTAssertEqual(CSV.format(-Double.infinity), "-inf")
        XCTAssertEqual(CSV.format(Float(0.1)), "0.1")
        XCTAssertTrue(CSV.number("nan")!.isNaN)
        XCTAssertNil(CSV.number(""))
        XCTAssertNil(CSV.number("abc"))
    }
}
