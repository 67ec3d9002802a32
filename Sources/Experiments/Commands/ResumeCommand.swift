import Foundation

/// `workbench resume RUN`: continues an interrupted run from its last checkpoint.
struct ResumeCommand: Command {
    static let spec = CommandSpec(
        name: "resume", abstract: "Continue an interrupted run from its last checkpoint, in the same folder.",
        positionals: [.init("RUN", "Run id, unique id prefix or run folder.")],
        options: [.init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs).")],
        discussion: """
            Only interrupted, failed or stale runs resume. The checkpoint is checked against the run first
            (its epoch within training.epochs, its step, its seed, epochs.csv and steps.csv rows up to it,
            weights that fit the network): a damaged folder is an error naming the file, and is left as it
            was. epochs.csv and steps.csv are then cut back to the checkpoint, so the finished run holds
            each epoch and step once and equals an uninterrupted run. A run without a checkpoint (stopped
            before its first epoch ended) starts again from epoch 0. meta.json keeps the original command
            line and adds this one to resumeCommandLines. Exit status as for 'workbench run'.
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let store = RunStore.chosen(context.arguments.value("store"), besides: URL(fileURLWithPath: "."))
        let folder = try store.resolve(context.arguments.positionals[0])
        let outcome = try RunSession.resume(
            folder, commandLine: context.commandLine, console: context.console)
        if case .failed(let message) = outcome {
            context.console.error("error: run \(folder.id) failed: \(message)")
        }
        context.console.print(folder.id)
        return RunSession.exitStatus(outcome)
    }
}
