import Foundation
import WorkbenchData

/// `workbench data export-png`: IDX images and labels to an image folder (DataInspector).
struct DataExportCommand: Command {
    static let spec = CommandSpec(
        name: "data export-png", abstract: "Write IDX images and labels as DIR/<label>/<index>.png.",
        positionals: [
            .init("IDX-IMAGES", "IDX images file."), .init("IDX-LABELS", "IDX labels file."),
            .init("DIR", "Output folder (an image folder 'format: folder' reads back)."),
        ])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let p = context.arguments.positionals
        do {
            let written = try DataInspector.exportImageFolder(imagesPath: p[0], labelsPath: p[1], to: p[2])
            context.console.print("wrote \(written) images to \(p[2])")
        } catch let error as DataError {
            throw CLIError.failure(error.description)
        }
        return ExitStatus.success
    }
}
