/// `workbench gradcheck EXP.yaml`: finite-difference check of the configured network.
struct GradcheckCommand: Command {
    static let spec = CommandSpec(
        name: "gradcheck", abstract: "Check the configured network's gradients on a few real samples.",
        positionals: [.init("EXP.yaml", "The experiment file.")],
        options: [.init("set", .repeated(placeholder: "KEY=VALUE"), "Override a config key.")])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("'workbench gradcheck' needs the model's gradient check, not landed in this build yet")
    }
}
