/// `workbench compare`: runs side by side as RFC 4180 CSV.
struct CompareCommand: Command {
    static let spec = CommandSpec(
        name: "compare", abstract: "Print runs as CSV: hyperparameters and final/best metrics, one row per run.",
        positionals: [.init("RUN", "Run id, unique id prefix or run folder (default: every run).",
                            optional: true, repeats: true)],
        options: [
            .init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs)."),
            .init("sort", .value(placeholder: "KEY"), "Sort rows by this column (prefix '-' for descending)."),
            .init("history", .flag, "Long format: one row per epoch of every run."),
        ])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("not implemented yet")
    }
}
