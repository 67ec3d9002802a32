import Foundation

/// `workbench reproduce RUN`: reruns a recorded run and checks the curves are identical.
struct ReproduceCommand: Command {
    static let spec = CommandSpec(
        name: "reproduce",
        abstract: "Rerun a run's recorded config and seed; exit 0 only if the curves are identical.",
        positionals: [.init("RUN", "Run id, unique id prefix or run folder.")],
        options: [.init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs).")],
        discussion: """
            The new run goes into the same store, tagged with the run it reproduces. Its epochs.csv is
            compared with the original's, all columns but seconds and images_per_s. Prints 'identical' or
            the first differing epoch and values. Warns when the workbench version or commit, or a data
            file's checksum, differs.

            A run that is still running is refused (reproduce it once it has ended). Of an interrupted,
            stale or failed run only its complete epochs (the rows of its epochs.csv) are compared with the
            same epochs of the new run, and the output says so; an interrupted or stale run with none is
            refused, a failed one with none is rerun and must fail the same way. A reproduction
            that fails is a difference (exit 1) unless the original failed with the same error after the
            same epochs, which is what reproducing it means. Exit status: 0 when every recorded epoch
            matches, 1 otherwise, 130 when the reproduction is interrupted.
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let store = RunStore.chosen(context.arguments.value("store"), besides: URL(fileURLWithPath: "."))
        let original = try RunRecord(folder: store.resolve(context.arguments.positionals[0]))
        if original.status == .running {
            throw CLIError.failure(
                "run \(original.id) is still running (pid \(original.meta.pid) on this host): reproduce it once"
                    + " it has ended")
        }
        // A run that failed before its first epoch ended is rerun: failing the same way is reproducing it.
        if original.status != .completed, original.status != .failed, original.epochs.isEmpty {
            throw CLIError.failure(
                "run \(original.id) is \(original.status.rawValue) with no complete epoch recorded: nothing to"
                    + " compare (resume it first)")
        }
        let config: ExperimentConfig
        do {
            config = try ExperimentConfig.load(file: original.folder.config.path)
        } catch {
            throw CLIError.failure("\(error)")
        }
        warnAboutEnvironment(of: original)
        let runStore = RunStore(root: original.folder.url.deletingLastPathComponent())
        let origin = RunSession.Origin(commandLine: context.commandLine, reproduces: original.id)
        let (folder, outcome) = try RunSession.start(
            config, store: runStore, origin: origin, console: context.console)
        for warning in RunSession.dataChanges(
            from: original.meta.dataFiles, to: try folder.readMeta().dataFiles)
        {
            context.console.error("warning: \(warning)")
        }
        var mine = try folder.readEpochs()
        let partial = original.status != .completed
        if partial { mine = Array(mine.prefix(original.epochs.count)) }
        let difference = CurveComparison.firstDifference(original.epochs, mine)
        switch outcome {
        case .interrupted:
            throw CLIError.interrupted("reproduction \(folder.id) was interrupted; nothing was compared")
        case .failed(let message):
            // Failing the same way after the same epochs reproduces a failed run.
            guard original.status == .failed, original.meta.error == message, difference == nil else {
                let was =
                    original.status == .failed
                    ? "; \(original.id) failed with: \(original.meta.error ?? "")" : ""
                context.console.print(
                    "\(folder.id) differs from \(original.id): the reproduction failed: \(message)\(was)")
                return ExitStatus.failure
            }
            context.console.print(
                "identical: \(folder.id) reproduces \(original.id) (\(mine.count) complete"
                    + " epoch\(mine.count == 1 ? "" : "s"), then the same failure: \(message))")
            return ExitStatus.success
        case .completed:
            if original.status == .failed, original.epochs.isEmpty {
                context.console.print(
                    "\(folder.id) differs from \(original.id): \(original.id) failed before its first epoch"
                        + " ended (\(original.meta.error ?? "")); the reproduction completed \(mine.count)"
                        + " epoch\(mine.count == 1 ? "" : "s")")
                return ExitStatus.failure
            }
        }
        if let difference {
            context.console.print("\(folder.id) differs from \(original.id): \(difference)")
            return ExitStatus.failure
        }
        if partial {
            context.console.print(
                "identical: \(folder.id) reproduces the \(mine.count) complete epoch\(mine.count == 1 ? "" : "s")"
                    + " recorded by \(original.id) (\(original.status.rawValue) after \(mine.count) of"
                    + " \(config.training.epochs) epochs; only those were compared)")
        } else {
            context.console.print("identical: \(folder.id) reproduces \(original.id) (\(mine.count) epochs)")
        }
        return ExitStatus.success
    }

    /// Warns when the recorded workbench version, commit or OpenBLAS kernel differs from this one.
    private func warnAboutEnvironment(of original: RunRecord) {
        let current = RunEnvironment.current(threads: original.meta.environment.threads)
        let recorded = original.meta.environment
        if recorded.workbenchVersion != current.workbenchVersion {
            context.console.error(
                "warning: \(original.id) was recorded by workbench \(recorded.workbenchVersion),"
                    + " this is \(current.workbenchVersion)")
        }
        if recorded.workbenchCommit != current.workbenchCommit {
            context.console.error(
                "warning: \(original.id) was recorded at commit \(recorded.workbenchCommit),"
                    + " this build is at \(current.workbenchCommit)")
        }
        if let core = recorded.blasCore, core != current.blasCore {
            context.console.error(
                "warning: \(original.id) ran with the OpenBLAS \(core) kernel, this process uses"
                    + " \(current.blasCore ?? "unknown"): results can differ in the last bits")
        }
    }
}
