import Foundation

/// `workbench compare`: runs side by side as RFC 4180 CSV on standard output.
struct CompareCommand: Command {
    static let spec = CommandSpec(
        name: "compare",
        abstract: "Print runs as CSV: hyperparameters and final/best metrics, one row per run.",
        positionals: [
            .init(
                "RUN", "Run id, unique id prefix or run folder (default: every run).",
                optional: true, repeats: true)
        ],
        options: [
            .init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs)."),
            .init(
                "sort", .value(placeholder: "KEY"), "Sort rows by this column (prefix '-' for descending)."),
            .init("history", .flag, "Long format: one row per epoch of every run."),
        ],
        discussion: """
            Columns: id, name, status, started, duration_s, seed, sweep, every hyperparameter as a dotted key
            (union over the runs; empty where a run lacks it), epochs, final_<metric>, best_by, best_epoch,
            best_<metric>. Non-finite numbers are written nan, inf, -inf. Rows are sorted by id unless --sort;
            a run named twice is shown once. A run folder whose files cannot be read is reported on stderr and
            left out (exit status 1). An empty store prints the header alone and exits 0, as 'runs' does.
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let store = RunStore.chosen(context.arguments.value("store"), besides: URL(fileURLWithPath: "."))
        let all = context.arguments.positionals.isEmpty
        if all { try store.checkExists() }
        var folders = try all ? store.allFolders() : context.arguments.positionals.map(store.resolve)
        // The same run named twice (by id and by folder, say) is one row.
        var seen = Set<String>()
        folders = folders.filter {
            seen.insert($0.url.resolvingSymlinksInPath().standardizedFileURL.path).inserted
        }
        folders.sort { $0.id < $1.id }
        // An empty store is not an error (as for `runs`): the header alone, exit 0.
        if folders.isEmpty { context.console.error("no runs in \(store.root.path)") }
        var records: [RunRecord] = []
        var unreadable = 0
        for folder in folders {
            do {
                records.append(try RunRecord(folder: folder))
            } catch {
                context.console.error(
                    "error: skipping \(TerminalText.escaped(folder.id)): \(RunsCommand.message(error))")
                unreadable += 1
            }
        }
        var (header, rows) =
            context.arguments.flag("history")
            ? RunComparison.history(records) : RunComparison.wide(records)
        if let key = context.arguments.value("sort") {
            rows = try RunComparison.sort(rows, header: header, by: key)
        }
        context.console.write(CSV.table(header: header, rows: rows))
        return unreadable == 0 ? ExitStatus.success : ExitStatus.failure
    }
}
