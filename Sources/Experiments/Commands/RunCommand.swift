import Foundation

/// `workbench run EXP.yaml`: trains the experiment and records it as a new run folder.
struct RunCommand: Command {
    static let spec = CommandSpec(
        name: "run", abstract: "Train an experiment and record it as a run.",
        positionals: [.init("EXP.yaml", "The experiment file.")],
        options: [
            .init(
                "store", .value(placeholder: "DIR"),
                "Run store folder (default: runs/ beside the experiment file)."),
            .init(
                "seed", .value(placeholder: "N"), "Seed to use instead of the file's (same as --set seed=N)."),
            .init(
                "set", .repeated(placeholder: "KEY=VALUE"),
                "Override a config key, e.g. --set optimizer.lr=0.05."),
            .init(
                "sweep-id", .value(placeholder: "ID"),
                "Tag the run as a child of sweep ID (internal: used by 'workbench sweep').", hidden: true),
        ],
        discussion: """
            The config, the data and the network's shapes are all checked before anything is created: a usage
            error exits 64 and a config, data or shape error exits 1, both leaving no run folder. Once training
            has started the run folder stays, and a failure is recorded in it (status failed, exit 1).
            Exit status: 0 completed, 1 failed, 64 usage error, 130 interrupted (SIGINT/SIGTERM stop after the
            current batch and the run keeps its last epoch's checkpoint for 'workbench resume'; a second signal
            records it as interrupted and quits at once; a signal before training starts quits at once, with
            nothing recorded).
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    /// The experiment file's config with `--set` and `--seed` applied; config errors become failures.
    /// `file` defaults to the first positional argument; `extraOverrides` (e.g. `bench --threads`)
    /// come after the `--set` ones, so they win.
    static func loadConfig(
        _ context: CommandContext, spec: CommandSpec, file: String? = nil, extraOverrides: [String] = []
    ) throws -> ExperimentConfig {
        var overrides = context.arguments.all("set")
        if let seed = context.arguments.value("seed") {
            guard let value = UInt64(seed), value <= UInt64(Int64.max) else {
                throw CLIError.usage(
                    "option '--seed' expects an integer in [0, 9223372036854775807] (2^63 − 1), found '\(seed)'",
                    usage: spec.usage)
            }
            overrides.append("seed=\(seed)")
        }
        overrides += extraOverrides
        let file = file ?? context.arguments.positionals[0]
        do {
            return try ExperimentConfig.load(file: file, overrides: overrides)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError.failure("\(error)")
        }
    }

    func run() throws -> Int32 {
        let config = try Self.loadConfig(context, spec: Self.spec)
        let file = URL(fileURLWithPath: context.arguments.positionals[0])
        let store = RunStore.chosen(
            context.arguments.value("store"), besides: file.deletingLastPathComponent())
        let origin = RunSession.Origin(
            commandLine: context.commandLine, sweepID: context.arguments.value("sweep-id"))
        let (folder, outcome) = try RunSession.start(
            config, store: store, origin: origin, console: context.console)
        if case .failed(let message) = outcome {
            context.console.error("error: run \(folder.id) failed: \(message)")
        }
        context.console.print(folder.id)
        return RunSession.exitStatus(outcome)
    }
}
