/// `workbench runs`: one line per run in the store.
struct RunsCommand: Command {
    static let spec = CommandSpec(
        name: "runs", abstract: "List the runs in a store, one line each, oldest first.",
        options: [.init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs).")])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("not implemented yet")
    }
}
