import Foundation

/// Runs as tables: the wide compare table (one row per run), the long history table (one row per
/// epoch of every run) and the differences between two runs.
public enum RunComparison {
    /// Columns that come from the run's meta rather than its config; the config's own `name` and
    /// `seed` keys are shown here once instead of again among the hyperparameters.
    static let leadingColumns = ["id", "name", "status", "started", "duration_s", "seed", "sweep"]

    /// The wide table: id, name, status, started, duration, seed, sweep id, every hyperparameter
    /// (union over runs in first-seen order; empty where a run lacks it), then final and best metrics.
    public static func wide(_ records: [RunRecord]) -> (header: [String], rows: [[String]]) {
        var paramKeys: [String] = []
        var seen: Set<String> = ["name", "seed"]
        for record in records {
            for (key, _) in record.params where !seen.contains(key) {
                seen.insert(key)
                paramKeys.append(key)
            }
        }
        let metrics = RunSummary.metricColumns
        let header =
            leadingColumns + paramKeys + ["epochs"] + metrics.map { "final_\($0)" }
            + ["best_by", "best_epoch"] + metrics.map { "best_\($0)" }
        let rows = records.map { record -> [String] in
            let params = Dictionary(record.params, uniquingKeysWith: { _, last in last })
            let s = record.summary
            var row = [
                record.id, record.meta.name, record.status.rawValue, record.meta.started,
                record.durationSeconds.map { String(format: "%.3f", $0) } ?? "",
                String(record.meta.seed), record.meta.sweepID ?? "",
            ]
            row += paramKeys.map { params[$0] ?? "" }
            row.append(String(s.epochs))
            row += metrics.map { s.final[$0].map(CSV.format) ?? "" }
            row += [s.bestBy ?? "", s.bestEpoch.map(String.init) ?? ""]
            row += metrics.map { s.best[$0].map(CSV.format) ?? "" }
            return row
        }
        return (header, rows)
    }

    /// The long table: id then every column of epochs.csv, one row per epoch of every run.
    public static func history(_ records: [RunRecord]) -> (header: [String], rows: [[String]]) {
        let header = ["id"] + MetricsLog.epochColumns
        let rows = records.flatMap { record in
            record.epochs.map { epoch in [record.id] + MetricsLog.epochColumns.map { epoch[$0] ?? "" } }
        }
        return (header, rows)
    }

    /// Sorts rows by `column` (a header name; prefix '-' for descending). Numbers compare as
    /// numbers, other text as text; empty fields go last; equal keys keep their order (by id).
    public static func sort(_ rows: [[String]], header: [String], by key: String) throws -> [[String]] {
        let descending = key.hasPrefix("-")
        let name = descending ? String(key.dropFirst()) : key
        guard let column = header.firstIndex(of: name) else {
            var message = "unknown sort key '\(name)'"
            if let guess = closestMatch(to: name, in: header) { message += " (did you mean '\(guess)'?)" }
            throw CLIError.failure(message + "; columns are: " + header.joined(separator: ", "))
        }
        func before(_ a: String, _ b: String) -> Bool {
            if a.isEmpty || b.isEmpty { return !a.isEmpty && b.isEmpty }
            let order: Bool
            if let x = CSV.number(a), let y = CSV.number(b), !x.isNaN, !y.isNaN {
                if x == y { return false }
                order = x < y
            } else {
                if a == b { return false }
                order = a < b
            }
            return descending ? !order : order
        }
        return rows.enumerated().sorted { l, r in
            let (a, b) = (l.element[column], r.element[column])
            if before(a, b) { return true }
            if before(b, a) { return false }
            return l.offset < r.offset
        }.map(\.element)
    }

    /// One difference: a key and the two runs' values ("" where a run lacks the key).
    public struct Difference: Equatable {
        public var section: String
        public var key: String
        public var left: String
        public var right: String
    }

    /// What differs between two runs: hyperparameters (the seed among them), metrics, environment
    /// (including data file checksums).
    public static func differences(_ a: RunRecord, _ b: RunRecord) -> [Difference] {
        var result: [Difference] = []
        func compare(_ section: String, _ left: [(String, String)], _ right: [(String, String)]) {
            let l = Dictionary(left, uniquingKeysWith: { _, last in last })
            let r = Dictionary(right, uniquingKeysWith: { _, last in last })
            var keys = left.map(\.0)
            for (key, _) in right where l[key] == nil { keys.append(key) }
            var seen = Set<String>()
            for key in keys where seen.insert(key).inserted && l[key] != r[key] {
                result.append(Difference(section: section, key: key, left: l[key] ?? "", right: r[key] ?? ""))
            }
        }
        compare("hyperparameters", a.params.map { ($0.key, $0.value) }, b.params.map { ($0.key, $0.value) })
        func metrics(_ record: RunRecord) -> [(String, String)] {
            let s = record.summary
            var pairs: [(String, String)] = [
                ("status", record.status.rawValue), ("epochs", String(s.epochs)),
            ]
            pairs += RunSummary.metricColumns.compactMap { m in
                s.final[m].map { ("final_\(m)", CSV.format($0)) }
            }
            pairs += [("best_by", s.bestBy ?? ""), ("best_epoch", s.bestEpoch.map(String.init) ?? "")]
            pairs += RunSummary.metricColumns.compactMap { m in
                s.best[m].map { ("best_\(m)", CSV.format($0)) }
            }
            return pairs
        }
        compare("metrics", metrics(a), metrics(b))
        func environment(_ meta: RunMeta) -> [(String, String)] {
            let e = meta.environment
            var pairs = [
                ("host", e.host), ("os", e.os), ("cpu", e.cpu),
                ("cores", String(e.cores)), ("threads", String(e.threads)), ("swift", e.swiftCompiler),
                ("workbench_version", e.workbenchVersion), ("workbench_commit", e.workbenchCommit),
                ("blas_core", e.blasCore ?? "unknown"),
            ]
            pairs += meta.dataFiles.map { ("data:\($0.key)", "\($0.sha256) (\($0.bytes) bytes)") }
            return pairs
        }
        compare("environment", environment(a.meta), environment(b.meta))
        return result
    }
}
