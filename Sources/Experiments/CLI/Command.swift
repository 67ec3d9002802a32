import Foundation

/// What every command is given: its parsed arguments, the console and the invocation.
public struct CommandContext {
    public var arguments: ParsedArguments
    public var console: Console
    /// The whole command line as typed (recorded in each run's meta.json).
    public var commandLine: [String]
    /// Path of the running `workbench` executable (sweep children are started through it).
    public var executablePath: String

    public init(arguments: ParsedArguments, console: Console, commandLine: [String], executablePath: String) {
        self.arguments = arguments
        self.console = console
        self.commandLine = commandLine
        self.executablePath = executablePath
    }

    /// A usage error for the command being run.
    public func usageError(_ message: String, spec: CommandSpec) -> CLIError {
        .usage(message, usage: spec.usage)
    }
}

/// One `workbench` subcommand: a type with a spec (its arguments and help) and one `run()`.
/// `run` returns the exit status; it throws `CLIError` (or any error, reported as a failure).
public protocol Command {
    static var spec: CommandSpec { get }
    init(context: CommandContext) throws
    func run() throws -> Int32
}
