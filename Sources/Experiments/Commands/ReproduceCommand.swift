/// `workbench reproduce RUN`: reruns a recorded run and checks the curves are identical.
struct ReproduceCommand: Command {
    static let spec = CommandSpec(
        name: "reproduce", abstract: "Rerun a run's recorded config and seed; exit 0 only if the curves are identical.",
        positionals: [.init("RUN", "Run id, unique id prefix or run folder.")],
        options: [.init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs).")])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("'workbench reproduce' needs the training loop, not landed in this build yet")
    }
}
