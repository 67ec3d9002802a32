import Foundation

/// `workbench diff RUN RUN`: only what differs between two runs.
struct DiffCommand: Command {
    static let spec = CommandSpec(
        name: "diff", abstract: "Show what differs between two runs: hyperparameters, metrics, environment.",
        positionals: [.init("RUN", "First run."), .init("RUN", "Second run.")],
        options: [.init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs).")])
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let store = RunStore.chosen(context.arguments.value("store"), besides: URL(fileURLWithPath: "."))
        let a = try RunRecord(folder: store.resolve(context.arguments.positionals[0]))
        let b = try RunRecord(folder: store.resolve(context.arguments.positionals[1]))
        let differences = RunComparison.differences(a, b)
        context.console.print("--- \(TerminalText.escaped(a.id))\n+++ \(TerminalText.escaped(b.id))")
        if differences.isEmpty {
            context.console.print("no differences")
            return ExitStatus.success
        }
        var section = ""
        for d in differences {
            if d.section != section {
                section = d.section
                context.console.print("\(section):")
            }
            // Values come from the runs' files: control characters are shown escaped.
            let left = d.left.isEmpty ? "(absent)" : TerminalText.escaped(d.left)
            let right = d.right.isEmpty ? "(absent)" : TerminalText.escaped(d.right)
            context.console.print("  \(TerminalText.escaped(d.key)): \(left) -> \(right)")
        }
        return ExitStatus.success
    }
}
