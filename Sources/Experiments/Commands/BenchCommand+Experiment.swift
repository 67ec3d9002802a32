import Foundation

/// `workbench bench --experiment EXP.yaml [--threads N] [--batches N] [--set KEY=VALUE ...] [--json]`:
/// the experiment's own training stream against its training (`ExperimentBenchmark`).
extension BenchCommand {
    /// Options that choose or shape a reference model, meaningless with an experiment's config.
    static let referenceOnly = ["model", "batch", "epochs", "limit", "data", "chunk"]
    /// Options that only `--experiment` reads.
    static let experimentOnly = ["batches", "set"]

    /// Loads the config as `workbench run` does, measures and prints the table or one JSON line.
    func runExperiment(_ file: String) throws -> Int32 {
        let arguments = context.arguments
        let usage = Self.spec.usage
        if let other = Self.referenceOnly.first(where: { arguments.value($0) != nil }) {
            throw CLIError.usage(
                "options '--experiment' and '--\(other)' cannot be combined (the experiment file sets "
                    + "the model, data, batch and chunk size; change them with --set KEY=VALUE)",
                usage: usage)
        }
        let threads = try arguments.integer("threads", in: 1...ExperimentSchema.maxThreads, usage: usage)
        let batches = try arguments.integer("batches", in: 1...Int.max, usage: usage) ?? 300
        let config = try RunCommand.loadConfig(
            context, spec: Self.spec, file: file,
            extraOverrides: threads.map { ["training.threads=\($0)"] } ?? [])
        let json = arguments.flag("json")
        // Data and shape errors propagate as they do from `workbench run` (reported, exit 1).
        let result = try ExperimentBenchmark(config: config, batches: batches).run {
            if !json { context.console.error($0) }
        }
        if json {
            context.console.print(try result.jsonLine())
        } else {
            for line in result.lines { context.console.print(line) }
        }
        return ExitStatus.success
    }
}
