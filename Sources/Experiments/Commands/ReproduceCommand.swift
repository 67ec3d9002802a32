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
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let store = RunStore.chosen(context.arguments.value("store"), besides: URL(fileURLWithPath: "."))
        let original = try RunRecord(folder: store.resolve(context.arguments.positionals[0]))
        let config: ExperimentConfig
        do {
            config = try ExperimentConfig.load(file: original.folder.config.path)
        } catch {
            throw CLIError.failure("\(error)")
        }
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
        let runStore = RunStore(root: original.folder.url.deletingLastPathComponent())
        let origin = RunSession.Origin(commandLine: context.commandLine, reproduces: original.id)
        let (folder, outcome) = try RunSession.start(
            config, store: runStore, origin: origin, console: context.console)
        guard outcome == .completed else {
            throw CLIError.failure("reproduction \(folder.id) did not complete: \(outcome)")
        }
        for warning in RunSession.dataChanges(
            from: original.meta.dataFiles, to: try folder.readMeta().dataFiles)
        {
            context.console.error("warning: \(warning)")
        }
        var mine = try folder.readEpochs()
        if original.status != .completed {
            context.console.error(
                "note: \(original.id) is \(original.status.rawValue); comparing its"
                    + " \(original.epochs.count) recorded epochs")
            mine = Array(mine.prefix(original.epochs.count))
        }
        if let difference = CurveComparison.firstDifference(original.epochs, mine) {
            context.console.print("\(folder.id) differs from \(original.id): \(difference)")
            return ExitStatus.failure
        }
        context.console.print("identical: \(folder.id) reproduces \(original.id) (\(mine.count) epochs)")
        return ExitStatus.success
    }
}
