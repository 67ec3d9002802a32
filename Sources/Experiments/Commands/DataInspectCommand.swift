import Foundation
import WorkbenchData

/// `workbench data inspect PATH`: what a data file holds (DataInspector from WorkbenchData).
struct DataInspectCommand: Command {
    static let spec = CommandSpec(
        name: "data inspect", abstract: "Describe an IDX file, PNG file or image folder.",
        positionals: [.init("PATH", "IDX file (optionally .gz), PNG file or image folder.")],
        options: [
            .init(
                "values", .flag,
                "Print one sample's values as CSV, as the network sees them (before normalisation)."),
            .init("index", .value(placeholder: "I"), "Sample index for --values (default 0)."),
            .init("grid", .value(placeholder: "FILE.png"), "Also write the first samples as a PNG grid."),
            .init("count", .value(placeholder: "N"), "Samples in the grid (default 64)."),
        ])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let args = context.arguments
        let path = args.positionals[0]
        let index = try args.integer("index", in: 0...Int.max, usage: Self.spec.usage)
        let count = try args.integer("count", in: 1...100_000, usage: Self.spec.usage)
        if index != nil && !args.flag("values") {
            throw CLIError.usage("option '--index' only applies with --values", usage: Self.spec.usage)
        }
        if count != nil && args.value("grid") == nil {
            throw CLIError.usage("option '--count' only applies with --grid", usage: Self.spec.usage)
        }
        if let grid = args.value("grid") {
            guard grid.lowercased().hasSuffix(".png") else {
                throw CLIError.usage(
                    "option '--grid' expects a FILE.png name, found '\(grid)'", usage: Self.spec.usage)
            }
            let input = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
            let output = URL(fileURLWithPath: grid).resolvingSymlinksInPath().standardizedFileURL.path
            guard input != output else {
                throw CLIError.usage(
                    "option '--grid' names the input file \(path); it would be overwritten",
                    usage: Self.spec.usage)
            }
        }
        do {
            if args.flag("values") {
                context.console.write(try DataInspector.valuesCSV(path: path, index: index ?? 0))
            } else {
                context.console.write(try DataInspector.inspect(path: path).text)
            }
            if let grid = args.value("grid") {
                let drawn = try DataInspector.writeGrid(from: path, count: count ?? 64, to: grid)
                context.console.error("wrote \(drawn) image\(drawn == 1 ? "" : "s") to \(grid)")
            }
        } catch let error as DataError {
            throw CLIError.failure(error.description)
        }
        return ExitStatus.success
    }
}
