import Foundation

/// The files of one run folder (Guild/MLflow style: small readable files).
///
/// | file | written | content |
/// | --- | --- | --- |
/// | config.yaml | once, at start | resolved config: defaults and seed explicit, enough to rerun alone |
/// | params.csv | once, at start | the config flattened to dotted keys (`optimizer.lr,0.01`), for compare/diff |
/// | meta.json | at start and end | status, error, times, environment, command line, data checksums |
/// | epochs.csv | appended per epoch | `MetricsLog.epochColumns` |
/// | steps.csv | appended per step | `MetricsLog.stepColumns` |
/// | summary.json | at end | `RunSummary` |
/// | log.txt | appended | the console log |
/// | weights/ | per epoch / at end | final.safetensors, best.safetensors |
/// | checkpoint/ | per epoch | state to resume from |
public struct RunFolder: Equatable {
    public let url: URL
    public init(url: URL) { self.url = url }

    public var id: String { url.lastPathComponent }
    public var config: URL { url.appendingPathComponent("config.yaml") }
    public var params: URL { url.appendingPathComponent("params.csv") }
    public var meta: URL { url.appendingPathComponent("meta.json") }
    public var epochs: URL { url.appendingPathComponent("epochs.csv") }
    public var steps: URL { url.appendingPathComponent("steps.csv") }
    public var summary: URL { url.appendingPathComponent("summary.json") }
    public var log: URL { url.appendingPathComponent("log.txt") }
    public var weights: URL { url.appendingPathComponent("weights", isDirectory: true) }
    public var checkpoint: URL { url.appendingPathComponent("checkpoint", isDirectory: true) }

    public func readMeta() throws -> RunMeta { try JSON.read(RunMeta.self, from: meta) }
    public func writeMeta(_ value: RunMeta) throws { try AtomicFile.writeJSON(value, to: meta) }

    /// Writes the flattened config, in order, as `key,value` rows.
    public func writeParams(_ values: [(key: String, value: String)]) throws {
        try AtomicFile.write(
            CSV.table(header: ["key", "value"], rows: values.map { [$0.key, $0.value] }), to: params)
    }

    public func readParams() throws -> [(key: String, value: String)] {
        guard FileManager.default.fileExists(atPath: params.path) else { return [] }
        let (header, records) = try MetricsLog.readFields(params)
        guard header == ["key", "value"] else {
            throw CLIError.failure(
                "\(params.path): expected header key,value, found \(TerminalText.escaped(CSV.record(header)))"
            )
        }
        for record in records where record[0].text.isEmpty {
            throw CLIError.failure(
                "\(params.path):\(record[0].line):\(record[0].column): expected a key (a dotted config"
                    + " key such as optimizer.lr), found an empty field")
        }
        return records.map { ($0[0].text, $0[1].text) }
    }

    /// Rows of epochs.csv (none if the run has not finished an epoch). The header must hold epoch
    /// columns starting with `epoch`; rows must count epochs 1, 2, ... with numbers (or nothing) in
    /// the other columns, so a hand-edited file is an error naming file:line:column, not a silent gap.
    public func readEpochs() throws -> [[String: String]] {
        guard FileManager.default.fileExists(atPath: epochs.path) else { return [] }
        let (header, records) = try MetricsLog.readFields(epochs)
        let known = Set(MetricsLog.epochColumns)
        guard header.first == "epoch", header.allSatisfy(known.contains) else {
            throw CLIError.failure(
                "\(epochs.path): expected a header of epoch columns (\(CSV.record(MetricsLog.epochColumns))),"
                    + " found \(TerminalText.escaped(CSV.record(header)))")
        }
        try MetricsLog.check(records, header: header, url: epochs, counter: "epoch", first: 1)
        return records.map { Dictionary(uniqueKeysWithValues: zip(header, $0.map(\.text))) }
    }

    /// The number of rows of steps.csv (0 if absent), after checking them as `readEpochs` does:
    /// steps 0, 1, 2, ... in order, an epoch ≥ 1, numbers for loss and lr.
    public func countSteps() throws -> Int {
        guard FileManager.default.fileExists(atPath: steps.path) else { return 0 }
        let (header, records) = try MetricsLog.readFields(steps)
        guard header == MetricsLog.stepColumns else {
            throw CLIError.failure(
                "\(steps.path): expected header \(CSV.record(MetricsLog.stepColumns)),"
                    + " found \(TerminalText.escaped(CSV.record(header)))")
        }
        try MetricsLog.check(
            records, header: header, url: steps, counter: "step", first: 0, integers: ["epoch"])
        return records.count
    }

    /// Appends a line to log.txt.
    public func appendLog(_ line: String) {
        let data = Data((line + "\n").utf8)
        if let handle = try? FileHandle(forWritingTo: log) {
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: data)
        } else {
            try? AtomicFile.write(data, to: log)
        }
    }
}
