import Foundation

/// `workbench sweep EXP.yaml`: one ordinary run per point of the file's sweep block.
struct SweepCommand: Command {
    static let spec = CommandSpec(
        name: "sweep", abstract: "Run every point of the experiment's sweep block as a tagged run.",
        positionals: [.init("EXP.yaml", "The experiment file (with a sweep: block).")],
        options: [
            .init(
                "store", .value(placeholder: "DIR"),
                "Run store folder (default: runs/ beside the experiment file)."),
            .init("jobs", .value(placeholder: "N"), "Runs at once, 1 ... number of cores (default 1)."),
            .init("seed", .value(placeholder: "N"), "Seed for every child (same as --set seed=N)."),
            .init("set", .repeated(placeholder: "KEY=VALUE"), "Override a config key in every child."),
        ],
        discussion: """
            Each child is an ordinary run (a 'workbench run' process) whose meta.json carries the sweep id and
            its sweep values; 'workbench compare' shows them side by side. The children's configs are kept in
            <store>/.sweeps/<sweep id>/. Each line a child writes to stderr is prefixed with its run id.
            Exit 0 only when every child completed; 130 when interrupted (SIGINT/SIGTERM): no further
            child starts, and the signal is passed on to the running children, which stop as interrupted
            runs ('workbench resume' continues them).
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let jobs =
            try context.arguments.integer(
                "jobs", in: 1...ProcessInfo.processInfo.activeProcessorCount,
                usage: Self.spec.usage) ?? 1
        let config = try RunCommand.loadConfig(context, spec: Self.spec)
        let children: [ExperimentConfig]
        do { children = try config.expandSweep() } catch { throw CLIError.failure("\(error)") }
        guard !children.isEmpty else {
            throw CLIError.failure("\(context.arguments.positionals[0]): no sweep: block (nothing to sweep)")
        }
        let file = URL(fileURLWithPath: context.arguments.positionals[0])
        let store = RunStore.chosen(
            context.arguments.value("store"), besides: file.deletingLastPathComponent())
        let sweepID = "sweep-" + RunID.make(name: config.name)
        let folder = store.root.appendingPathComponent(".sweeps/\(sweepID)", isDirectory: true)
        try Folders.create(folder, what: "the sweep's folder")
        let configs = try children.enumerated().map { index, child -> URL in
            let url = folder.appendingPathComponent("child-\(index + 1).yaml")
            try AtomicFile.write(child.resolvedYAML, to: url)
            return url
        }
        context.console.error("sweep \(sweepID): \(children.count) runs, \(jobs) at a time")
        let (statuses, interrupted) = try runChildren(configs, jobs: jobs, store: store, sweepID: sweepID)
        let runs = store.runFolders().compactMap { try? RunRecord(folder: $0) }.filter {
            $0.meta.sweepID == sweepID
        }
        for run in runs {
            let values = (run.meta.sweepValues ?? [:]).sorted { $0.key < $1.key }.map {
                "\($0.key)=\($0.value)"
            }
            context.console.print("\(run.id)  \(run.status.rawValue)  \(values.joined(separator: " "))")
        }
        let failed = statuses.filter { $0 != 0 }.count
        if interrupted {
            let notStarted = statuses.filter { $0 == -1 }.count
            context.console.error(
                "interrupted: sweep \(sweepID) stopped; \(children.count - failed) of \(children.count) runs"
                    + " completed" + (notStarted > 0 ? ", \(notStarted) never started" : "")
                    + " (resume the interrupted ones with 'workbench resume')")
            return 130
        }
        if failed > 0 {
            let notStarted = statuses.filter { $0 == -1 }.count
            context.console.error(
                "error: \(failed) of \(children.count) sweep runs did not complete"
                    + (notStarted > 0 ? " (\(notStarted) never started)" : ""))
            return ExitStatus.failure
        }
        return ExitStatus.success
    }

    /// Starts `workbench run` for every child config, at most `jobs` at once; returns their exit
    /// statuses (-1 for children never started) and whether a signal stopped the sweep. On SIGINT or
    /// SIGTERM no further child starts and the signal is passed on to the running children, which
    /// then stop as interrupted runs (a second signal, passed on too, stops them at once). Foundation
    /// starts each child in its own process group, so a terminal's Ctrl-C reaches the children only
    /// this way.
    private func runChildren(_ configs: [URL], jobs: Int, store: RunStore, sweepID: String) throws
        -> (statuses: [Int32], interrupted: Bool)
    {
        final class Running: @unchecked Sendable {
            let lock = NSLock()
            var processes: [Int: Process] = [:]
        }
        var statuses = [Int32](repeating: -1, count: configs.count)
        let running = Running()
        let finished = DispatchSemaphore(value: 0)
        let stop = StopRequest()
        let console = context.console
        stop.installSignalHandlers { signal in
            console.error("sweep: stopping; no further runs will start, running ones stop as interrupted")
            running.lock.withLock {
                for process in running.processes.values { kill(process.processIdentifier, signal) }
            }
        }
        defer { stop.removeSignalHandlers() }
        let output = DispatchGroup()
        var next = 0
        while (next < configs.count && !stop.isRequested)
            || !running.lock.withLock({ running.processes.isEmpty })
        {
            while next < configs.count && !stop.isRequested
                && running.lock.withLock({ running.processes.count }) < jobs
            {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: context.executablePath)
                process.arguments = [
                    "run", configs[next].path, "--store", store.root.path, "--sweep-id", sweepID,
                ]
                process.standardOutput = FileHandle.nullDevice  // the child prints only its id; listed below
                process.terminationHandler = { _ in finished.signal() }
                let pipe = Pipe()
                process.standardError = pipe
                let prefixer = ChildOutputPrefixer(label: "child \(next + 1)", console: console)
                output.enter()
                pipe.fileHandleForReading.readabilityHandler = { handle in
                    let data = handle.availableData
                    if data.isEmpty {
                        handle.readabilityHandler = nil
                        prefixer.finish()
                        output.leave()
                    } else {
                        prefixer.feed(data)
                    }
                }
                do {
                    try process.run()
                } catch {
                    throw CLIError.failure(
                        "cannot start \(context.executablePath): \(error.localizedDescription)")
                }
                running.lock.withLock { running.processes[next] = process }
                // A signal between the check above and here was not passed on to this child.
                if stop.isRequested { kill(process.processIdentifier, SIGINT) }
                next += 1
            }
            if running.lock.withLock({ running.processes.isEmpty }) { break }
            finished.wait()
            running.lock.withLock {
                for (index, process) in running.processes where !process.isRunning {
                    statuses[index] = process.terminationStatus
                    running.processes[index] = nil
                }
            }
        }
        output.wait()
        return (statuses, stop.isRequested)
    }
}

/// Copies a sweep child's standard error to the console line by line, each line prefixed with
/// `[<run id>]` once the child has announced its id ("run <id> in <store>"), `[child N]` before.
final class ChildOutputPrefixer: @unchecked Sendable {
    private var label: String
    private var pending = Data()
    private var knowsID = false
    private let console: Console
    private let lock = NSLock()

    init(label: String, console: Console) {
        self.label = label
        self.console = console
    }

    func feed(_ data: Data) {
        lock.withLock {
            pending.append(data)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                emit(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                pending = Data(pending[(newline + 1)...])
            }
        }
    }

    func finish() {
        lock.withLock {
            if !pending.isEmpty { emit(String(decoding: pending, as: UTF8.self)) }
            pending = Data()
        }
    }

    private func emit(_ line: String) {
        let words = line.split(separator: " ")
        if !knowsID, words.count >= 3, words[0] == "run", words[2] == "in" {
            label = String(words[1])
            knowsID = true
        }
        console.error("[\(label)] \(line)")
    }
}
