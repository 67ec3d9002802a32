import Foundation

/// A run as read back from its folder, for `runs`, `compare` and `diff`.
public struct RunRecord {
    public var folder: RunFolder
    public var meta: RunMeta
    /// The status to show: `stale` for a run recorded as running whose process is gone.
    public var status: RunStatus
    public var params: [(key: String, value: String)]
    public var epochs: [[String: String]]
    public var summary: RunSummary

    public var id: String { folder.id }

    public init(folder: RunFolder) throws {
        self.folder = folder
        meta = try folder.readMeta()
        status = RunRecord.displayedStatus(meta)
        params = try folder.readParams()
        epochs = try folder.readEpochs()
        summary = RunSummary(epochRows: epochs)
    }

    /// `running` unless the recorded process is gone on this host (then `stale`): no process has
    /// its pid, or the one that has it started at another time or in another boot (`ProcessIdentity`).
    static func displayedStatus(_ meta: RunMeta) -> RunStatus {
        guard meta.status == .running, meta.environment.host == ProcessInfo.processInfo.hostName else {
            return meta.status
        }
        let claims = ([meta.started] + (meta.resumed ?? [])).compactMap(ISO8601.date)
        let alive = ProcessIdentity.isRunning(
            pid: meta.pid, bootID: meta.bootID, startTime: meta.processStart, claimed: claims.max())
        return alive ? .running : .stale
    }

    /// Wall-clock duration over every segment (start and resumes): recorded at the end; while running,
    /// the finished segments plus the current one so far; for a stale run, up to its last write.
    public var durationSeconds: Double? { Self.duration(meta, status: status, folder: folder) }

    /// See `durationSeconds`. While a run is running, meta.json's duration holds its finished
    /// segments (0 or absent for a first segment); the current segment started at the last resume.
    static func duration(_ meta: RunMeta, status: RunStatus, folder: RunFolder, now: Date = Date())
        -> Double?
    {
        guard status == .running || status == .stale else { return meta.durationSeconds }
        guard let segmentStart = ISO8601.date(meta.resumed?.last ?? meta.started) else {
            return meta.durationSeconds
        }
        let end = status == .running ? now : lastWrite(in: folder) ?? segmentStart
        return (meta.durationSeconds ?? 0) + max(0, end.timeIntervalSince(segmentStart))
    }

    /// The latest modification time of the files training writes as it goes.
    static func lastWrite(in folder: RunFolder) -> Date? {
        let files = [
            folder.meta, folder.steps, folder.epochs, folder.log,
            folder.checkpoint.appendingPathComponent("state.json"),
        ]
        return files.compactMap {
            (try? FileManager.default.attributesOfItem(atPath: $0.path))?[.modificationDate] as? Date
        }.max()
    }

    /// `1h02m03s`, `4m05s` or `6.1s` (`1.2e+08h` beyond a million hours; empty when unknown).
    static func formatDuration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "" }
        if seconds >= 3600 * 1e6 { return String(format: "%.3gh", seconds / 3600) }
        let whole = Int(seconds)
        if whole >= 3600 { return String(format: "%dh%02dm%02ds", whole / 3600, whole / 60 % 60, whole % 60) }
        if whole >= 60 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%.1fs", seconds)
    }
}
