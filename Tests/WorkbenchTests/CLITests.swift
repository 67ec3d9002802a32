import XCTest

/// The command-line contract of the built binary: help exits 0, usage errors 64, failures 1.
final class CLITests: XCTestCase {
    func testTopLevelHelpListsEveryCommand() throws {
        let result = try BuiltBinary.run(["--help"])
        XCTAssertEqual(result.status, 0)
        for command in [
            "run", "runs", "compare", "diff", "reproduce", "resume", "sweep", "gradcheck",
            "predict", "data inspect", "data export-png",
        ] {
            XCTAssertTrue(result.out.contains("  \(command) "), "help lacks \(command):\n\(result.out)")
        }
    }

    func testVersion() throws {
        let result = try BuiltBinary.run(["--version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.out.hasPrefix("workbench "), result.out)
    }

    func testEveryCommandHasHelpThatExitsZero() throws {
        let commands: [[String]] = [
            ["run"], ["runs"], ["compare"], ["diff"], ["reproduce"], ["resume"],
            ["sweep"], ["gradcheck"], ["predict"], ["data", "inspect"],
            ["data", "export-png"], ["data"],
        ]
        for command in commands {
            let result = try BuiltBinary.run(command + ["--help"])
            XCTAssertEqual(result.status, 0, "\(command) --help: \(result.err)")
            XCTAssertTrue(
                result.out.contains("USAGE: workbench \(command.joined(separator: " "))"),
                "\(command) help:\n\(result.out)")
            XCTAssertTrue(result.err.isEmpty, result.err)
        }
    }

    func testUsageErrorsExit64WithMessageAndUsageLine() throws {
        let cases: [([String], String)] = [
            ([], "no command given"),
            (["compre"], "unknown command 'compre' (did you mean 'compare'?)"),
            (["run"], "missing argument EXP.yaml"),
            (["run", "a.yaml", "b.yaml"], "unexpected argument 'b.yaml'"),
            (
                ["run", "a.yaml", "--stor", "x"],
                "unknown option '--stor' for 'workbench run' (did you mean '--store'?)"
            ),
            (["run", "a.yaml", "--store"], "option '--store' needs a value"),
            (["run", "a.yaml", "--store=a", "--store=b"], "option '--store' given more than once"),
            (["compare", "--history=yes"], "option '--history' is a flag and takes no value"),
            (["diff", "onlyone"], "missing argument RUN"),
            (
                ["data", "inspectt", "x"],
                "unknown command 'workbench data inspectt' (did you mean 'inspect'?)"
            ),
            (["data"], "'data' needs a subcommand"),
        ]
        for (arguments, message) in cases {
            let result = try BuiltBinary.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.err)")
            XCTAssertTrue(
                result.err.contains(message), "\(arguments): expected '\(message)' in:\n\(result.err)")
            XCTAssertTrue(
                result.err.contains("usage: workbench"), "\(arguments): no usage line in:\n\(result.err)")
            XCTAssertEqual(result.out, "", "\(arguments) wrote to stdout")
        }
    }

    func testHelpNamesACommandOrGroup() throws {
        for words in [["help", "run"], ["--help", "run"], ["-h", "run"]] {
            let result = try BuiltBinary.run(words)
            XCTAssertEqual(result.status, 0, "\(words): \(result.err)")
            XCTAssertTrue(result.out.hasPrefix("Train an experiment and record it as a run.\n"), result.out)
            XCTAssertTrue(result.out.contains("USAGE: workbench run EXP.yaml"), result.out)
        }
        let inspect = try BuiltBinary.run(["help", "data", "inspect"])
        XCTAssertEqual(inspect.status, 0, inspect.err)
        XCTAssertTrue(inspect.out.contains("USAGE: workbench data inspect PATH"), inspect.out)
        XCTAssertEqual(try BuiltBinary.run(["help"]).out, try BuiltBinary.run(["--help"]).out)
        for words in [["--help", "extra"], ["-h", "extra"], ["help", "compre"]] {
            let result = try BuiltBinary.run(words)
            XCTAssertEqual(result.status, 64, "\(words): \(result.err)")
            XCTAssertTrue(result.err.contains("error: no help for '\(words[1])': not a command"), result.err)
            XCTAssertFalse(result.err.contains("unknown command '-"), result.err)
            XCTAssertEqual(result.out, "")
        }
        XCTAssertTrue(try BuiltBinary.run(["help", "compre"]).err.contains("(did you mean 'compare'?)"))
    }

    func testAGroupWithoutSubcommandShowsOnlyItsSubcommands() throws {
        let bare = try BuiltBinary.run(["data"])
        XCTAssertEqual(bare.status, 64)
        let help = try BuiltBinary.run(["help", "data"])
        XCTAssertEqual(help.status, 0, help.err)
        for text in [bare.err, help.out] {
            XCTAssertTrue(text.contains("USAGE: workbench data <command> [options]"), text)
            XCTAssertTrue(text.contains("  inspect ") && text.contains("  export-png "), text)
            XCTAssertFalse(text.contains("  run ") || text.contains("--version"), text)
            XCTAssertFalse(text.contains("train LeNet-style networks"), text)
        }
        XCTAssertEqual(help.out, try BuiltBinary.run(["data", "--help"]).out)
    }

    /// Every way of asking for a command's help gives the same text and exit 0.
    func testHelpIsTheSameWhereverTheFlagIs() throws {
        let inspect = try BuiltBinary.run(["help", "data", "inspect"]).out
        XCTAssertTrue(inspect.contains("USAGE: workbench data inspect PATH"), inspect)
        for words in [
            ["data", "--help", "inspect"], ["data", "inspect", "--help"], ["--help", "data", "inspect"],
            ["data", "-h", "inspect"],
        ] {
            let result = try BuiltBinary.run(words)
            XCTAssertEqual(result.status, 0, "\(words): \(result.err)")
            XCTAssertEqual(result.out, inspect, "\(words)")
        }
        let export = try BuiltBinary.run(["data", "-h", "export-png"])
        XCTAssertEqual(export.status, 0, export.err)
        XCTAssertTrue(export.out.contains("USAGE: workbench data export-png"), export.out)
        // Help before an option that lacks its value.
        for (words, usage) in [
            (["runs", "--help", "--store"], "USAGE: workbench runs"), (["run", "--help", "--set"], "USAGE: workbench run "),
        ] {
            let result = try BuiltBinary.run(words)
            XCTAssertEqual(result.status, 0, "\(words): \(result.err)")
            XCTAssertTrue(result.out.contains(usage), "\(words): \(result.out)")
        }
        let overview = try BuiltBinary.run(["--help"]).out
        for words in [["help", "help"], ["help", "--help"], ["help", "-h"]] {
            let result = try BuiltBinary.run(words)
            XCTAssertEqual(result.status, 0, "\(words): \(result.err)")
            XCTAssertEqual(result.out, overview, "\(words)")
        }
        let valued = try BuiltBinary.run(["run", "--help=yes"])
        XCTAssertEqual(valued.status, 64)
        XCTAssertTrue(valued.err.contains("error: option '--help' takes no value, found 'yes'"), valued.err)
    }
}
