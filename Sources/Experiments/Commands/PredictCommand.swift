/// `workbench predict RUN IMAGE.png ...`: class probabilities per image from a run's weights.
struct PredictCommand: Command {
    static let spec = CommandSpec(
        name: "predict", abstract: "Print class probabilities for images using a run's best (else final) weights.",
        positionals: [.init("RUN", "Run id, unique id prefix or run folder."),
                      .init("IMAGE.png", "Images to classify.", repeats: true)],
        options: [.init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs).")])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("'workbench predict' needs the network and PNG reader, not landed in this build yet")
    }
}
