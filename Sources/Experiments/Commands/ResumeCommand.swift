/// `workbench resume RUN`: continues an interrupted run from its last checkpoint.
struct ResumeCommand: Command {
    static let spec = CommandSpec(
        name: "resume", abstract: "Continue an interrupted run from its last checkpoint, in the same folder.",
        positionals: [.init("RUN", "Run id, unique id prefix or run folder.")],
        options: [.init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs).")])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("'workbench resume' needs the training loop, not landed in this build yet")
    }
}
