import Foundation

/// `workbench sweep EXP.yaml`: one ordinary run per point of the file's sweep block.
struct SweepCommand: Command {
    static let spec = CommandSpec(
        name: "sweep", abstract: "Run every point of the experiment's sweep block as a tagged run.",
        positionals: [.init("EXP.yaml", "The experiment file (with a sweep: block).")],
        options: [
            .init("store", .value(placeholder: "DIR"), "Run store folder (default: runs/ beside the experiment file)."),
            .init("jobs", .value(placeholder: "N"), "Runs at once, 1 ... number of cores (default 1)."),
            .init("seed", .value(placeholder: "N"), "Seed for every child (same as --set seed=N)."),
            .init("set", .repeated(placeholder: "KEY=VALUE"), "Override a config key in every child."),
        ],
        discussion: """
            Each child is an ordinary run (a 'workbench run' process) whose meta.json carries the sweep id and
            its sweep values; 'workbench compare' shows them side by side. The children's configs are kept in
            <store>/.sweeps/<sweep id>/. Exit 0 only when every child completed.
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let jobs = try context.arguments.integer("jobs", in: 1...ProcessInfo.processInfo.activeProcessorCount,
                                                 usage: Self.spec.usage) ?? 1
        let config = try RunCommand.loadConfig(context, spec: Self.spec)
        let children: [ExperimentConfig]
        do { children = try config.expandSweep() } catch { throw CLIError.failure("\(error)") }
        guard !children.isEmpty else {
            throw CLIError.failure("\(context.arguments.positionals[0]): no sweep: block (nothing to sweep)")
        }
        let file = URL(fileURLWithPath: context.arguments.positionals[0])
        let store = RunStore.chosen(context.arguments.value("store"), besides: file.deletingLastPathComponent())
        let sweepID = "sweep-" + RunID.make(name: config.name)
        let folder = store.root.appendingPathComponent(".sweeps/\(sweepID)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configs = try children.enumerated().map { index, child -> URL in
            let url = folder.appendingPathComponent("child-\(index + 1).yaml")
            try AtomicFile.write(child.resolvedYAML, to: url)
            return url
        }
        context.console.error("sweep \(sweepID): \(children.count) runs, \(jobs) at a time")
        let statuses = try runChildren(configs, jobs: jobs, store: store, sweepID: sweepID)
        let runs = store.runFolders().compactMap { try? RunRecord(folder: $0) }.filter { $0.meta.sweepID == sweepID }
        for run in runs {
            let values = (run.meta.sweepValues ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            context.console.print("\(run.id)  \(run.status.rawValue)  \(values.joined(separator: " "))")
        }
        let failed = statuses.filter { $0 != 0 }.count
        if failed > 0 {
            context.console.error("error: \(failed) of \(children.count) sweep runs did not complete")
            return ExitStatus.failure
        }
        return ExitStatus.success
    }

    /// Starts `workbench run` for every child config, at most `jobs` at once; returns their exit statuses.
    private func runChildren(_ configs: [URL], jobs: Int, store: RunStore, sweepID: String) throws -> [Int32] {
        var statuses = [Int32](repeating: -1, count: configs.count)
        var running: [Int: Process] = [:]
        let finished = DispatchSemaphore(value: 0)
        var next = 0
        while next < configs.count || !running.isEmpty {
            while next < configs.count && running.count < jobs {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: context.executablePath)
                process.arguments = ["run", configs[next].path, "--store", store.root.path, "--sweep-id", sweepID]
                process.standardOutput = FileHandle.nullDevice  // the child prints only its id; listed below
                process.terminationHandler = { _ in finished.signal() }
                do {
                    try process.run()
                } catch {
                    throw CLIError.failure("cannot start \(context.executablePath): \(error.localizedDescription)")
                }
                running[next] = process
                next += 1
            }
            finished.wait()
            for (index, process) in running where !process.isRunning {
                statuses[index] = process.terminationStatus
                running[index] = nil
            }
        }
        return statuses
    }
}
