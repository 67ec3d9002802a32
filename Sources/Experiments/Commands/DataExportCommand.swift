import Foundation
import WorkbenchData

/// `workbench data export-png`: IDX images and labels to an image folder (DataInspector).
struct DataExportCommand: Command {
    static let spec = CommandSpec(
        name: "data export-png", abstract: "Write IDX images and labels as DIR/<label>/<index>.png.",
        positionals: [
            .init("IDX-IMAGES", "IDX images file."), .init("IDX-LABELS", "IDX labels file."),
            .init("DIR", "Output folder, new or empty (an image folder 'format: folder' reads back)."),
        ],
        discussion: """
            Class folders are named by label number, zero-padded to one width (0…9, or 00…99), and
            files by image index, zero-padded. DIR must not exist yet or be empty (hidden entries
            aside): a second export into the same folder would merge two datasets, so it is refused
            before anything is written; remove the folder or choose another. While it writes, DIR
            holds a hidden marker, .workbench-export-in-progress, created exclusively: a concurrent
            export into DIR is refused, and a marker left by a cut-short export asks you to remove
            the folder. A file or a dangling symbolic link where DIR (or a folder above it) should
            go is named. Values of non-uint8 images (taken as is) outside [0, 1] are clamped,
            with a warning counting them.
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let p = context.arguments.positionals
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: p[2], isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError.failure("\(p[2]): expected a folder to write the images into (DIR), found a file")
        }
        do {
            let (written, clamped) = try DataInspector.exportImageFolderCountingClamped(
                imagesPath: p[0], labelsPath: p[1], to: p[2])
            if clamped > 0 {
                context.console.error(
                    "warning: \(p[0]): \(clamped) value\(clamped == 1 ? "" : "s") outside [0, 1] clamped to it in"
                        + " the PNGs (non-uint8 images are taken as is; PNG pixels are 0...1 as 0...255)")
            }
            context.console.print("wrote \(written) image\(written == 1 ? "" : "s") to \(p[2])")
        } catch let error as DataError {
            throw CLIError.failure(error.description)
        }
        return ExitStatus.success
    }
}
