import XCTest

@testable import WorkbenchExperiments

/// YAML 1.2 core-schema resolution, row by row (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
final class YAMLScalarTests: XCTestCase {
    func testPlainScalarsResolveByTheCoreSchema() {
        let table: [(String, YAMLScalar)] = [
            ("", .null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
            ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
            ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)),
            ("0", .int(0)), ("-1", .int(-1)), ("+12", .int(12)), ("007", .int(7)),
            ("0x1F", .int(31)), ("0o17", .int(15)),
            ("1e-3", .double(0.001)), ("5E-4", .double(0.0005)), (".5", .double(0.5)), ("-.5", .double(-0.5)),
            ("1.", .double(1)), ("1.5e+2", .double(150)), ("+3.25", .double(3.25)),
            (".inf", .double(.infinity)), ("-.Inf", .double(-.infinity)), ("+.INF", .double(.infinity)),
            // YAML 1.1 booleans and near-misses stay strings under 1.2.
            ("yes", .string("yes")), ("no", .string("no")), ("on", .string("on")), ("off", .string("off")),
            ("y", .string("y")), ("tRUE", .string("tRUE")), ("1e", .string("1e")), (".", .string(".")),
            ("0x", .string("0x")), ("0b101", .string("0b101")), ("1_000", .string("1_000")),
            ("e3", .string("e3")),
            ("inf", .string("inf")), ("nan", .string("nan")), ("1.2.3", .string("1.2.3")),
            ("- 1", .string("- 1")),
            // Integers too large for Int are doubles in every base; a sign inside the digits is no integer.
            ("0xFFFFFFFFFFFFFFFFF", .double(0x1p68)), ("0o7777777777777777777777", .double(0x1p66)),
            ("0x7FFFFFFFFFFFFFFF", .int(Int.max)),
            ("0x-5", .string("0x-5")), ("0o+7", .string("0o+7")), ("0o8", .string("0o8")),
        ]
        for (text, expected) in table {
            XCTAssertEqual(YAMLScalar(resolving: text, style: .plain), expected, "plain '\(text)'")
        }
    }

    func testNaNResolvesToNaN() {
        for text in [".nan", ".NaN", ".NAN"] {
            guard case .double(let v) = YAMLScalar(resolving: text, style: .plain) else {
                return XCTFail("'\(text)' did not resolve to a double")
            }
            XCTAssertTrue(v.isNaN)
        }
    }

    func testQuotedScalarsAreAlwaysStrings() {
        for text in ["1e-3", "true", "null", "", "42"] {
            XCTAssertEqual(YAMLScalar(resolving: text, style: .quoted), .string(text))
        }
    }

    func testReaderMarksQuotedAndBlockScalarsAsStrings() throws {
        let root = try XCTUnwrap(
            YAMLReader.read(text: "a: '1'\nb: \"true\"\nc: |\n  12\nd: !!str 5\ne: 5\n", origin: "t"))
        XCTAssertEqual(root["a"]?.scalarValue, .string("1"))
        XCTAssertEqual(root["b"]?.scalarValue, .string("true"))
        XCTAssertEqual(root["c"]?.scalarValue, .string("12\n"))
        XCTAssertEqual(root["d"]?.scalarValue, .string("5"))
        XCTAssertEqual(root["e"]?.scalarValue, .int(5))
    }
}
