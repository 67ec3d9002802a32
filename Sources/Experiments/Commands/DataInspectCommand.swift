/// `workbench data inspect PATH`: what a data file holds.
struct DataInspectCommand: Command {
    static let spec = CommandSpec(
        name: "data inspect", abstract: "Describe an IDX file, PNG file or image folder.",
        positionals: [.init("PATH", "IDX file (optionally .gz), PNG file or image folder.")],
        options: [
            .init("values", .flag, "Print the sample values as the network sees them."),
            .init("index", .value(placeholder: "I"), "Sample index for --values (default 0)."),
            .init("grid", .value(placeholder: "FILE.png"), "Write a grid of the first samples as a PNG."),
            .init("count", .value(placeholder: "N"), "Samples in the grid (default 64)."),
        ])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("'workbench data inspect' needs the data inspector, not landed in this build yet")
    }
}
