import Foundation

/// The `workbench` command line: finds the command named by the first words, parses its
/// arguments with its spec and runs it. Exit 0 on success and for `--help`, 64 for usage errors,
/// 1 for failures (message on standard error).
public enum WorkbenchCLI {
    /// Every command, by the words that name it (a table, not a branch ladder).
    public static let commands: [(path: [String], type: Command.Type)] = [
        (["run"], RunCommand.self),
        (["runs"], RunsCommand.self),
        (["compare"], CompareCommand.self),
        (["diff"], DiffCommand.self),
        (["reproduce"], ReproduceCommand.self),
        (["resume"], ResumeCommand.self),
        (["sweep"], SweepCommand.self),
        (["gradcheck"], GradcheckCommand.self),
        (["bench"], BenchCommand.self),
        (["predict"], PredictCommand.self),
        (["data", "inspect"], DataInspectCommand.self),
        (["data", "export-png"], DataExportCommand.self),
    ]

    static let overview = """
        workbench: train LeNet-style networks and record exactly what ran.
        """

    /// The command groups (commands named by two words), with a one-line abstract each.
    static let groups: [String: String] = [
        "data": "Look inside data files (IDX, PNG, image folders) and convert IDX to PNG."
    ]

    /// The text of `workbench --help`, or of a command group such as `workbench data --help` (its
    /// subcommands only).
    static func help(group: [String]) -> String {
        let rows = commands.filter { Array($0.path.prefix(group.count)) == group }
        let prefix = group.isEmpty ? "" : group.joined(separator: " ") + " "
        var lines = [
            group.isEmpty ? overview : "workbench \(prefix)— " + (groups[group[0]] ?? ""), "",
            "USAGE: workbench \(prefix)<command> [options]",
            "", "COMMANDS:",
        ]
        for row in rows {
            lines.append(
                CommandSpec.row(
                    row.path.dropFirst(group.count).joined(separator: " "), row.type.spec.abstract))
        }
        lines += ["", "OPTIONS:"]
        if group.isEmpty {
            lines.append(CommandSpec.row("--version", "Print the workbench version and exit."))
        }
        lines.append(
            CommandSpec.row(
                "-h, --help",
                "Show this help; 'workbench \(prefix)<command> --help' (or 'workbench help \(prefix)<command>')"
                    + " for a command."))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `workbench help [COMMAND]`, `workbench --help [COMMAND]`, `workbench -h [COMMAND]`: the help of
    /// the whole tool, of a command group or of one command; an unknown topic is a usage error.
    static func helpCommand(_ words: [String], console: Console) -> Int32 {
        // `help --help`, `help help` and `help data --help` ask for the same help as without the extra
        // words: a help flag, or `help` itself, is the topic "the whole tool".
        let topic = words.filter { !["-h", "--help"].contains($0) }
        if topic.isEmpty || topic == ["help"] {
            console.write(help(group: []))
            return ExitStatus.success
        }
        // The longest command the topic starts with (`help data inspect x.idx` is data inspect's help).
        if let command = commands.filter({ topic.starts(with: $0.path) }).max(by: { $0.path.count < $1.path.count }) {
            console.write(command.type.spec.help)
            return ExitStatus.success
        }
        if topic.count == 1, groups[topic[0]] != nil {
            console.write(help(group: topic))
            return ExitStatus.success
        }
        let names = commands.map { $0.path.joined(separator: " ") } + groups.keys.sorted()
        var message = "no help for '\(topic.joined(separator: " "))': not a command"
        if let guess = closestMatch(to: topic.joined(separator: " "), in: names) {
            message += " (did you mean '\(guess)'?)"
        }
        console.error(
            "error: \(message)\nusage: workbench help [COMMAND]  (commands: "
                + commands.map { $0.path.joined(separator: " ") }.joined(separator: ", ") + ")")
        return ExitStatus.usage
    }

    /// Runs the command line `arguments` (including the program name) and returns the exit status.
    public static func main(_ arguments: [String], console: Console = .standard()) -> Int32 {
        let words = Array(arguments.dropFirst())
        let executable = arguments.first.map(resolveExecutable) ?? "workbench"
        if words.isEmpty {
            console.error(
                "error: no command given\nusage: workbench <command> [options]  (see 'workbench --help')")
            return ExitStatus.usage
        }
        if ["--help", "-h", "help"].contains(words[0]) {
            return helpCommand(Array(words.dropFirst()), console: console)
        }
        if words.first == "--version" {
            guard words.count == 1 else {
                console.error(
                    "error: '--version' takes no arguments, found '\(words[1])'\nusage: workbench --version")
                return ExitStatus.usage
            }
            console.print("workbench \(Workbench.version)")
            return ExitStatus.success
        }
        // Longest command path matching the leading words.
        let match = commands.filter { words.starts(with: $0.path) }.max { $0.path.count < $1.path.count }
        guard let match else {
            let groups = Set(commands.filter { $0.path.count > 1 }.map { $0.path[0] })
            if groups.contains(words[0]) {
                let rest = words.dropFirst()
                let helpFlags: Set<String> = ["-h", "--help"]
                if rest.contains(where: helpFlags.contains) {
                    // `data --help inspect`, `data -h export-png`: the command's help, as with
                    // `workbench --help data inspect`; `data --help` alone: the group's.
                    return helpCommand(Array(words), console: console)
                }
                if rest.isEmpty {
                    console.errorRaw(
                        "error: '\(words[0])' needs a subcommand\nusage: workbench \(words[0]) <command> [options]\n\n"
                            + help(group: [words[0]]))
                    return ExitStatus.usage
                }
                let names = commands.filter { $0.path[0] == words[0] }.map { $0.path[1] }
                var message = "unknown command 'workbench \(words[0]) \(rest.first!)'"
                if let guess = closestMatch(to: rest.first!, in: names) {
                    message += " (did you mean '\(guess)'?)"
                }
                console.error("error: \(message)\nusage: workbench \(words[0]) <command> [options]")
                return ExitStatus.usage
            }
            var message = "unknown command '\(words[0])'"
            let names = commands.map { $0.path[0] } + ["help", "--help", "--version"]
            if let guess = closestMatch(to: words[0], in: names) { message += " (did you mean '\(guess)'?)" }
            console.error("error: \(message)\nusage: workbench <command> [options]  (see 'workbench --help')")
            return ExitStatus.usage
        }
        let spec = match.type.spec
        do {
            let parsed = try ParsedArguments(Array(words.dropFirst(match.path.count)), spec: spec)
            if parsed.helpRequested {
                console.write(spec.help)
                return ExitStatus.success
            }
            let context = CommandContext(
                arguments: parsed, console: console, commandLine: arguments,
                executablePath: executable)
            return try match.type.init(context: context).run()
        } catch let error as CLIError {
            console.error(error.description)
            return error.exitCode
        } catch {
            console.error("error: \(error)")
            return ExitStatus.failure
        }
    }

    /// The absolute path of the running program, so child processes can be started through it.
    static func resolveExecutable(_ argument0: String) -> String {
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return link
        }
        return URL(fileURLWithPath: argument0).standardizedFileURL.path
    }
}
