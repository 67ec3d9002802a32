/// `workbench data export-png`: IDX images and labels to an image folder.
struct DataExportCommand: Command {
    static let spec = CommandSpec(
        name: "data export-png", abstract: "Write IDX images and labels as DIR/<label>/<index>.png.",
        positionals: [.init("IDX-IMAGES", "IDX images file."), .init("IDX-LABELS", "IDX labels file."),
                      .init("DIR", "Output folder.")])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        throw CLIError.failure("'workbench data export-png' needs the IDX/PNG exporter, not landed in this build yet")
    }
}
