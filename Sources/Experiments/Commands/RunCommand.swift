/// `workbench run EXP.yaml`: trains the experiment and records it as a new run folder.
struct RunCommand: Command {
    static let spec = CommandSpec(
        name: "run", abstract: "Train an experiment and record it as a run.",
        positionals: [.init("EXP.yaml", "The experiment file.")],
        options: [
            .init("store", .value(placeholder: "DIR"), "Run store folder (default: runs/ beside the experiment file)."),
            .init("seed", .value(placeholder: "N"), "Seed to use instead of the file's (same as --set seed=N)."),
            .init("set", .repeated(placeholder: "KEY=VALUE"), "Override a config key, e.g. --set optimizer.lr=0.05."),
        ])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("'workbench run' needs the experiment config and trainer, not landed in this build yet")
    }
}
