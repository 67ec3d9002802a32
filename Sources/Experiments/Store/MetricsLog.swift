import Foundation

/// An append-only CSV log with one header (epochs.csv, steps.csv), as MLflow's metric files:
/// rows are added as training goes; `truncate` drops rows past a checkpoint before a resume so
/// each epoch and step appears once.
public final class MetricsLog {
    /// Columns of epochs.csv. Empty fields mean "not measured" (e.g. no validation split).
    public static let epochColumns = [
        "epoch", "lr", "train_loss", "train_acc", "val_loss", "val_acc",
        "test_loss", "test_acc", "seconds", "images_per_s",
    ]
    /// Columns of steps.csv (lr is the rate used for that step's update).
    public static let stepColumns = ["step", "epoch", "loss", "lr"]
    /// Columns that measure time rather than learning; reproduce ignores them.
    public static let timingColumns: Set<String> = ["seconds", "images_per_s"]

    public let url: URL
    public let header: [String]

    /// Opens `url`, creating it with `header` if absent; an existing file must have the same header.
    public init(url: URL, header: [String]) throws {
        self.url = url
        self.header = header
        if FileManager.default.fileExists(atPath: url.path) {
            let existing = try MetricsLog.read(url).header
            guard existing == header else {
                throw CLIError.failure(
                    "\(url.path): expected header \(CSV.record(header)),"
                        + " found \(TerminalText.escaped(CSV.record(existing)))")
            }
        } else {
            try AtomicFile.write(CSV.record(header) + "\n", to: url)
        }
    }

    /// Appends one row; `values` maps column names to fields (missing columns are left empty).
    public func append(_ values: [String: String]) throws {
        let line = CSV.record(header.map { values[$0] ?? "" }) + "\n"
        guard let handle = try? FileHandle(forWritingTo: url) else {
            throw CLIError.failure("\(url.path): cannot open to append a row")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
    }

    /// Rewrites the file (atomically) keeping only the rows for which `keep` is true.
    public func truncate(keeping keep: ([String: String]) -> Bool) throws {
        let rows = try MetricsLog.read(url).rows.filter(keep)
        try AtomicFile.write(
            CSV.table(header: header, rows: rows.map { row in header.map { row[$0] ?? "" } }), to: url)
    }

    /// The header and rows (as column → field) of a log file.
    public static func read(_ url: URL) throws -> (header: [String], rows: [[String: String]]) {
        let (header, records) = try readFields(url)
        return (header, records.map { Dictionary(uniqueKeysWithValues: zip(header, $0.map(\.text))) })
    }

    /// The header and the records with each field's position, every record as long as the header.
    public static func readFields(_ url: URL) throws -> (header: [String], records: [[CSV.Field]]) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CLIError.failure("\(url.path): cannot read (missing or unreadable)")
        }
        let records = try CSV.parseFields(String(decoding: data, as: UTF8.self), source: url.path)
        guard let header = records.first?.map(\.text) else {
            throw CLIError.failure("\(url.path): expected a header line, found an empty file")
        }
        for record in records.dropFirst() where record.count != header.count {
            throw CLIError.failure(
                "\(url.path):\(record[0].line): expected \(header.count) fields, found \(record.count)")
        }
        return (header, Array(records.dropFirst()))
    }

    /// Checks a numbered log's records: column `counter` must count `first`, `first + 1`, ... row by
    /// row; the columns in `integers` hold integers ≥ 1, every other column a number (`nan`, `inf`,
    /// `-inf` included) or nothing. Errors name `file:line:column`, the column and both values.
    static func check(
        _ records: [[CSV.Field]], header: [String], url: URL, counter: String, first: Int,
        integers: Set<String> = []
    ) throws {
        func fail(_ field: CSV.Field, _ name: String, _ expected: String) -> CLIError {
            .failure(
                "\(url.path):\(field.line):\(field.column): column \(name): expected \(expected),"
                    + " found '\(TerminalText.escaped(field.text))'")
        }
        for (index, record) in records.enumerated() {
            for (name, field) in zip(header, record) {
                if name == counter {
                    guard Int(field.text) == first + index else {
                        throw fail(
                            field, name,
                            "\(first + index) (rows numbered \(first), \(first + 1), ... in order)")
                    }
                } else if integers.contains(name) {
                    guard let value = Int(field.text), value >= 1 else {
                        throw fail(field, name, "an integer ≥ 1")
                    }
                } else if !field.text.isEmpty, CSV.number(field.text) == nil {
                    throw fail(field, name, "a number (or nan, inf, -inf; empty if not measured)")
                }
            }
        }
    }
}
