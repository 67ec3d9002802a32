import Foundation

/// `workbench runs`: one line per run in the store.
struct RunsCommand: Command {
    static let spec = CommandSpec(
        name: "runs", abstract: "List the runs in a store, one line each, oldest first.",
        options: [.init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs).")],
        discussion: """
            A run recorded as running whose process is gone is shown as 'stale'. A run folder whose files
            cannot be read is reported on stderr and skipped (exit status 1). An empty store says so on
            stderr and exits 0.
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let store = RunStore.chosen(context.arguments.value("store"), besides: URL(fileURLWithPath: "."))
        try store.checkExists()
        let folders = store.allFolders()
        if folders.isEmpty {
            context.console.error("no runs in \(store.root.path)")
            return ExitStatus.success
        }
        var table = [["ID", "NAME", "STATUS", "STARTED", "DURATION", "EPOCHS", "FINAL", "BEST"]]
        var unreadable = 0
        for folder in folders {
            let record: RunRecord
            do {
                record = try RunRecord(folder: folder)
            } catch {
                context.console.error(
                    "error: skipping \(TerminalText.escaped(folder.id)): \(Self.message(error))")
                unreadable += 1
                continue
            }
            let s = record.summary
            let metric = s.bestBy ?? "train_loss"
            let final = s.final[metric].map { "\(metric)=\(Self.short($0))" } ?? ""
            let best = s.best[metric].map { "\(metric)=\(Self.short($0)) @\(s.bestEpoch ?? 0)" } ?? ""
            table.append([
                record.id, record.meta.name, record.status.rawValue, record.meta.started,
                RunRecord.formatDuration(record.durationSeconds), String(s.epochs), final, best,
            ])
        }
        // Names and ids come from files: control characters are shown escaped, and columns are
        // padded by terminal width (wide characters take two), so every row stays one aligned line.
        table = table.map { $0.map(TerminalText.escaped) }
        let widths = (0..<table[0].count).map { column in table.map { TerminalText.width($0[column]) }.max()!
        }
        for row in table {
            let line = zip(row, widths).map { TerminalText.padded($0, to: $1) }.joined(separator: "  ")
            context.console.print(String(line.reversed().drop(while: { $0 == " " }).reversed()))
        }
        return unreadable == 0 ? ExitStatus.success : ExitStatus.failure
    }

    /// A metric for the table: 4 decimals (compare's CSV keeps full precision).
    static func short(_ value: Double) -> String {
        value.isFinite ? String(format: "%.4f", value) : CSV.format(value)
    }

    /// An error's message without the "error: " prefix of `CLIError`.
    static func message(_ error: Error) -> String {
        if case .failure(let text) = error as? CLIError { return text }
        return "\(error)"
    }
}
