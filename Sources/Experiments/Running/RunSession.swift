import Foundation

/// Runs training for one run folder: starts a new run from a config, or resumes one from its
/// checkpoint. It writes the folder's record files, installs the SIGINT/SIGTERM handling, runs the
/// `ExperimentRunner` with its listeners and returns how the run ended.
public enum RunSession {
    /// Options for a new run.
    public struct Origin {
        public var commandLine: [String]
        public var sweepID: String?
        public var reproduces: String?
        public init(commandLine: [String], sweepID: String? = nil, reproduces: String? = nil) {
            self.commandLine = commandLine
            self.sweepID = sweepID
            self.reproduces = reproduces
        }
    }

    /// Builds everything, then creates the run folder and trains. Config, data and shape errors
    /// throw before the folder exists, so a bad experiment starts nothing. SIGINT/SIGTERM are
    /// handled from the start: a signal before the folder exists throws `CLIError.interrupted`
    /// (nothing created); after, the run is recorded as interrupted.
    public static func start(
        _ config: ExperimentConfig, store: RunStore, origin: Origin,
        console: Console
    ) throws -> (RunFolder, RunOutcome) {
        let stop = installStop(console: console)
        defer { stop.removeSignalHandlers() }
        // Preparing may block (a data path that is a FIFO, a slow disk): a signal exits at once.
        stop.exitAtOnce { signal in
            console.error(
                "\nreceived \(signalName(signal)) before the run started: stopping now; nothing was recorded")
        }
        let setup = try TrainingSetup.builder(config)
        let checksums = try setup.dataFiles.map { try DataFileChecksum.of(key: $0.key, path: $0.path) }
        if stop.stopCooperatively() {
            throw CLIError.interrupted("stopped before the run started; nothing was recorded")
        }
        let folder = try store.createRun(name: config.name)
        var meta = RunMeta(
            id: folder.id, name: config.name, status: .running, started: Date(), seed: config.seed,
            commandLine: origin.commandLine, environment: .current(threads: setup.threads),
            dataFiles: checksums)
        meta.sweepID = origin.sweepID
        meta.reproduces = origin.reproduces
        if !config.sweepValues.isEmpty {
            meta.sweepValues = Dictionary(
                config.sweepValues.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        }
        let recorder = try RunRecorder(folder: folder, meta: meta)
        stopAtOnce(on: stop, recording: recorder, console: console)
        do {
            try AtomicFile.write(config.resolvedYAML, to: folder.config)
            try folder.writeParams(config.flattened())
        } catch {
            recorder.fail("\(error)")
            throw error
        }
        console.error("run \(folder.id) in \(store.root.path)")
        folder.appendLog("run \(folder.id): \(origin.commandLine.joined(separator: " "))")
        return (
            folder,
            train(
                setup, folder: folder, recorder: recorder, seed: config.seed, from: .beginning,
                stop: stop, console: console)
        )
    }

    /// Continues `folder` from its last checkpoint (or from the start if it has none).
    public static func resume(_ folder: RunFolder, commandLine: [String], console: Console) throws
        -> RunOutcome
    {
        var meta = try folder.readMeta()
        let status = RunRecord.displayedStatus(meta)
        guard status == .interrupted || status == .failed || status == .stale else {
            throw CLIError.failure(
                "run \(folder.id) is \(status.rawValue); only interrupted, failed or stale runs"
                    + " can be resumed")
        }
        let stop = installStop(console: console)
        defer { stop.removeSignalHandlers() }
        stop.exitAtOnce { signal in
            console.error(
                "\nreceived \(signalName(signal)) before the resume started: stopping now; \(folder.id) is unchanged"
            )
        }
        if status == .stale {
            // Its end was never recorded: count the killed segment up to the run's last write.
            meta.durationSeconds = RunRecord.duration(meta, status: .stale, folder: folder)
        }
        let config = try ExperimentConfig.load(file: folder.config.path)
        let setup = try TrainingSetup.builder(config)
        let checksums = try setup.dataFiles.map { try DataFileChecksum.of(key: $0.key, path: $0.path) }
        for warning in dataChanges(from: meta.dataFiles, to: checksums) {
            console.error("warning: \(warning)")
        }
        let position = try checkedPosition(of: folder, config: config, setup: setup, console: console)
        // commandLine stays the one that started the run; each resume adds its own.
        let earlier = meta.resumeCommandLines ?? Array(repeating: [], count: meta.resumed?.count ?? 0)
        meta.resumeCommandLines = earlier + [commandLine]
        meta.resumed = (meta.resumed ?? []) + [ISO8601.string(Date())]
        meta.claimForThisProcess()
        if stop.stopCooperatively() {
            throw CLIError.interrupted("stopped before the resume started; \(folder.id) is unchanged")
        }
        let recorder = try RunRecorder(folder: folder, meta: meta)
        stopAtOnce(on: stop, recording: recorder, console: console)
        folder.appendLog(
            "resume \(folder.id) from epoch \(position.epoch): \(commandLine.joined(separator: " "))")
        return train(
            setup, folder: folder, recorder: recorder, seed: config.seed, from: position, stop: stop,
            console: console)
    }

    /// Where `resume` continues `folder`: its checkpoint's position after checking it against the
    /// run's config and logs (an epoch within 0...training.epochs, the step that many epochs of
    /// batches make, epochs.csv and steps.csv rows up to it, the same seed), with the weights and
    /// optimizer state loaded into `setup.model`; the beginning when there is no checkpoint. A
    /// hand-damaged folder is an error naming the file, before anything in it changes.
    static func checkedPosition(
        of folder: RunFolder, config: ExperimentConfig, setup: TrainingSetup, console: Console
    ) throws -> TrainingPosition {
        let recordedEpochs = try folder.readEpochs().count
        let recordedSteps = try folder.countSteps()
        guard let (state, url) = try Checkpointer.latest(in: folder) else {
            // A checkpoint folder without state.json is damage, not "no checkpoint": refuse it, so the
            // recorded epochs are not thrown away.
            let fm = FileManager.default
            let previous = folder.url.appendingPathComponent("checkpoint.previous", isDirectory: true)
            for dir in [folder.checkpoint, previous] {
                let names = ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
                if !names.isEmpty {
                    throw CLIError.failure(
                        "\(dir.appendingPathComponent("state.json").path): expected the checkpoint's state"
                            + " (epoch, step, seed) beside \(names.joined(separator: ", ")), found no such file"
                            + " (the folder is left as it was)")
                }
            }
            // Without any checkpoint: a kill between the first epoch's row and its checkpoint leaves
            // one recorded epoch, and restarting is safe (epochs.csv and steps.csv are cut back to the
            // start). More recorded epochs mean a checkpoint was written and is gone.
            if recordedEpochs > 1 {
                throw CLIError.failure(
                    "\(folder.checkpoint.path): expected the checkpoint written after epoch"
                        + " \(recordedEpochs - 1) or \(recordedEpochs) (\(folder.epochs.path) records"
                        + " \(recordedEpochs) epochs), found no checkpoint (the folder is left as it was)")
            }
            console.error(
                recordedEpochs == 0
                    ? "note: \(folder.id) has no checkpoint (it stopped before its first epoch ended):"
                        + " starting again from epoch 0"
                    : "warning: \(folder.checkpoint.path): no checkpoint to resume from (stopped between its"
                        + " first epoch's row and its checkpoint); discarding the 1 recorded epoch and"
                        + " starting again from epoch 0")
            return .beginning
        }
        let stateFile = url.appendingPathComponent("state.json").path
        let position = state.position
        let epochs = setup.plan.epochs
        let batches = setup.plan.train.batchesPerEpoch
        guard state.seed == config.seed else {
            throw CLIError.failure(
                "\(stateFile): checkpoint seed \(state.seed) does not match config seed \(config.seed)"
                    + " (\(folder.config.path))")
        }
        guard position.epoch <= epochs else {
            throw CLIError.failure(
                "\(stateFile): key 'position.epoch': expected an epoch in 0...\(epochs) (training.epochs in"
                    + " \(folder.config.path)), found \(position.epoch)")
        }
        guard position.step == position.epoch * batches else {
            throw CLIError.failure(
                "\(stateFile): key 'position.step': expected \(position.epoch * batches) (\(position.epoch)"
                    + " epochs of \(batches) batches), found \(position.step)")
        }
        guard recordedEpochs >= position.epoch else {
            throw CLIError.failure(
                "\(folder.epochs.path): expected rows for epochs 1...\(position.epoch) (the checkpoint in"
                    + " \(stateFile) is at epoch \(position.epoch)), found \(recordedEpochs)")
        }
        guard recordedSteps >= position.step else {
            throw CLIError.failure(
                "\(folder.steps.path): expected rows for steps 0...\(position.step - 1) (the checkpoint in"
                    + " \(stateFile) is at step \(position.step)), found \(recordedSteps)")
        }
        try setup.model.loadTrainingState(from: url)
        for recorded in setup.model.loadedStateSteps where recorded.step != position.step {
            throw CLIError.failure(
                "\(stateFile): key 'position.step' is \(position.step) (epoch \(position.epoch)), but"
                    + " \(recorded.file) records step \(recorded.step) (key '\(recorded.key)'); expected"
                    + " the same step in both (the folder is left as it was)")
        }
        if recordedEpochs > position.epoch {
            let extra = recordedEpochs - position.epoch
            console.error(
                "note: \(folder.epochs.path): discarding \(extra) epoch row\(extra == 1 ? "" : "s") recorded"
                    + " after the checkpoint at epoch \(position.epoch)")
        }
        return position
    }

    /// Differences between two sets of data checksums, as sentences ("data.train.images changed: ...").
    public static func dataChanges(from old: [DataFileChecksum], to new: [DataFileChecksum]) -> [String] {
        let before = Dictionary(old.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
        var changes: [String] = []
        for file in new {
            guard let was = before[file.key] else { continue }
            if was.sha256 != file.sha256 || was.bytes != file.bytes {
                changes.append(
                    "\(file.key) changed: recorded \(was.path) sha256 \(was.sha256.prefix(12))… (\(was.bytes) bytes),"
                        + " now \(file.path) sha256 \(file.sha256.prefix(12))… (\(file.bytes) bytes)")
            }
        }
        return changes
    }

    /// A stop request fed by SIGINT/SIGTERM (the caller removes the handlers when done).
    static func installStop(console: Console) -> StopRequest {
        let stop = StopRequest()
        stop.installSignalHandlers { signal in
            console.error(
                "\nreceived \(signalName(signal)): stopping after this batch (again to quit at once)")
        }
        return stop
    }

    /// A second signal records the run as interrupted before the process exits (130), so it does
    /// not show as stale.
    static func stopAtOnce(on stop: StopRequest, recording recorder: RunRecorder, console: Console) {
        stop.onSecondSignal { signal in
            guard let message = recorder.stopAtOnce(signal: signal) else { return }
            let line = "interrupted: \(message) (resume with 'workbench resume')"
            console.error("\n" + line)
            recorder.folder.appendLog(line)
        }
    }

    static func signalName(_ signal: Int32) -> String { signal == SIGINT ? "SIGINT" : "SIGTERM" }

    static func train(
        _ setup: TrainingSetup, folder: RunFolder, recorder: RunRecorder, seed: UInt64,
        from position: TrainingPosition, stop: StopRequest, console: Console
    ) -> RunOutcome {
        let listeners: [TrainingListener] = [
            MetricsRecorder(folder: folder),
            Checkpointer(folder: folder, model: setup.model, seed: seed),
            ProgressReporter(console: console, folder: folder),
            recorder,
        ]
        return ExperimentRunner(plan: setup.plan, model: setup.model, listeners: listeners, stop: stop).run(
            from: position)
    }

    /// The exit status for an outcome: 0 completed, 1 failed, 130 interrupted (128 + SIGINT).
    public static func exitStatus(_ outcome: RunOutcome) -> Int32 {
        switch outcome {
        case .completed: return ExitStatus.success
        case .failed: return ExitStatus.failure
        case .interrupted: return 130
        }
    }
}
