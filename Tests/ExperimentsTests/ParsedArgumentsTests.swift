import XCTest

@testable import WorkbenchExperiments

final class ParsedArgumentsTests: XCTestCase {
    let spec = CommandSpec(
        name: "demo", abstract: "Demo.",
        positionals: [.init("FILE", "A file."), .init("MORE", "More.", optional: true, repeats: true)],
        options: [
            .init("store", .value(placeholder: "DIR"), "Store."),
            .init("set", .repeated(placeholder: "K=V"), "Set."),
            .init("history", .flag, "Flag."),
        ])

    func testBothValueFormsRepeatedOptionsFlagsAndPositionals() throws {
        let parsed = try ParsedArguments(
            [
                "a", "--store", "s", "--set=x=1", "b", "--set", "y=2", "--history",
                "--", "--not-an-option",
            ], spec: spec)
        XCTAssertEqual(parsed.positionals, ["a", "b", "--not-an-option"])
        XCTAssertEqual(parsed.value("store"), "s")
        XCTAssertEqual(parsed.all("set"), ["x=1", "y=2"])
        XCTAssertTrue(parsed.flag("history"))
        XCTAssertFalse(parsed.helpRequested)
    }

    func testHelpAnywhereSkipsPositionalChecks() throws {
        XCTAssertTrue(try ParsedArguments(["--help"], spec: spec).helpRequested)
        XCTAssertTrue(try ParsedArguments(["x", "-h"], spec: spec).helpRequested)
        // Even before an option that lacks its value, or an unknown one.
        XCTAssertTrue(try ParsedArguments(["--help", "--store"], spec: spec).helpRequested)
        XCTAssertTrue(try ParsedArguments(["--set", "-h"], spec: spec).helpRequested)
        XCTAssertTrue(try ParsedArguments(["--bogus", "--help"], spec: spec).helpRequested)
        XCTAssertFalse(try ParsedArguments(["a", "--", "--help"], spec: spec).helpRequested)
        XCTAssertThrowsError(try ParsedArguments(["--help=yes"], spec: spec)) {
            guard case CLIError.usage(let message, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(message, "option '--help' takes no value, found 'yes'")
        }
    }

    func testErrors() {
        func message(_ args: [String]) -> String? {
            do {
                _ = try ParsedArguments(args, spec: spec)
                return nil
            } catch let CLIError.usage(m, usage) {
                XCTAssertEqual(
                    usage, "workbench demo FILE [MORE ...] [--store DIR] [--set K=V ...] [--history]")
                return m
            } catch { return "\(error)" }
        }
        XCTAssertEqual(message([]), "missing argument FILE")
        XCTAssertEqual(
            message(["a", "--sett", "x"]),
            "unknown option '--sett' for 'workbench demo' (did you mean '--set'?)")
        XCTAssertEqual(message(["a", "-x"]), "unknown option '-x' (options are spelled --name)")
        XCTAssertEqual(message(["a", "--set"]), "option '--set' needs a value")
        XCTAssertNil(
            message(["a", "--seed-unrelated-but-valid"]).flatMap { $0.contains("did you mean") ? $0 : nil })
    }

    func testIntegerOption() throws {
        let s = CommandSpec(name: "n", abstract: "", options: [.init("jobs", .value(placeholder: "N"), "")])
        XCTAssertEqual(try ParsedArguments(["--jobs=2"], spec: s).integer("jobs", in: 1...4, usage: "u"), 2)
        XCTAssertThrowsError(
            try ParsedArguments(["--jobs", "9"], spec: s).integer("jobs", in: 1...4, usage: "u")
        ) {
            XCTAssertEqual(
                $0 as? CLIError, .usage("option '--jobs' expects an integer in 1...4, found '9'", usage: "u"))
        }
    }

    func testEditDistance() {
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(editDistance("", "abc"), 3)
        XCTAssertEqual(editDistance("abc", ""), 3)
        XCTAssertEqual(closestMatch(to: "stor", in: ["store", "seed", "set"]), "store")
        XCTAssertNil(closestMatch(to: "zzzzzzzz", in: ["store", "seed"]))
    }
}
