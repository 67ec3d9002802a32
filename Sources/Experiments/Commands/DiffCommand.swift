/// `workbench diff RUN RUN`: only what differs between two runs.
struct DiffCommand: Command {
    static let spec = CommandSpec(
        name: "diff", abstract: "Show what differs between two runs: hyperparameters, metrics, environment.",
        positionals: [.init("RUN", "First run."), .init("RUN", "Second run.")],
        options: [.init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs).")])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("not implemented yet")
    }
}
