/// `workbench sweep EXP.yaml`: one ordinary run per point of the file's sweep block.
struct SweepCommand: Command {
    static let spec = CommandSpec(
        name: "sweep", abstract: "Run every point of the experiment's sweep block as a tagged run.",
        positionals: [.init("EXP.yaml", "The experiment file (with a sweep: block).")],
        options: [
            .init("store", .value(placeholder: "DIR"), "Run store folder (default: runs/ beside the experiment file)."),
            .init("jobs", .value(placeholder: "N"), "Runs at once (1 ... number of cores; default 1)."),
            .init("set", .repeated(placeholder: "KEY=VALUE"), "Override a config key in every child."),
        ])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("'workbench sweep' needs the experiment config, not landed in this build yet")
    }
}
