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

    func testMalformedQuotingNamesFileAndLine() {
        XCTAssertThrowsError(try CSV.parse("a,b\n1,\"open\n", source: "t.csv")) {
            XCTAssertEqual("\($0)", "error: t.csv:3: quoted field not closed before end of file")
        }
        XCTAssertThrowsError(try CSV.parse("a,b\n\"x\"y,2\n", source: "t.csv")) {
            XCTAssertEqual(
                "\($0)", "error: t.csv:2: expected ',' or line end after a quoted field, found 'y'")
        }
        XCTAssertThrowsError(try CSV.parse("a,b\nx\"y,2\n", source: "t.csv")) {
            XCTAssertEqual("\($0)", "error: t.csv:2: stray '\"' inside an unquoted field 'x'")
        }
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
