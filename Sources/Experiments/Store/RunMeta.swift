import Foundation

/// A run's lifecycle state as recorded in meta.json. `stale` is never written: it is what a
/// `running` run is shown as when its process is gone.
public enum RunStatus: String, Codable {
    case running, completed, failed, interrupted, stale

    /// The statuses meta.json may hold (`stale` is only ever shown).
    public static let written: [RunStatus] = [.running, .completed, .failed, .interrupted]
}

/// Size and SHA-256 of one data file the run read, keyed by its config key (e.g. `data.train.images`).
public struct DataFileChecksum: Codable, Equatable {
    public var key: String
    public var path: String
    public var bytes: Int
    public var sha256: String

    public init(key: String, path: String, bytes: Int, sha256: String) {
        self.key = key
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey { case key, path, bytes, sha256 }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.checked(String.self, .key, expected: "a string (a config key)")
        path = try c.checked(String.self, .path, expected: "a string (a file path)")
        bytes = try c.integer(.bytes, in: 0...Int.max)
        sha256 = try c.checked(String.self, .sha256, expected: "a string (64 hex digits)")
    }

    /// Checksums `path` (read fully, streamed). For a folder (an image-folder dataset) the digest
    /// is the SHA-256 of the lines `<relative path>\t<file SHA-256>\n` over every regular file in
    /// sorted order, and `bytes` is their total size, so renaming, moving or editing any file shows.
    public static func of(key: String, path: String) throws -> DataFileChecksum {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.failure("\(path) (\(key)): no such file or folder")
        }
        guard isDirectory.boolValue else {
            let (hex, bytes) = try SHA256.file(at: URL(fileURLWithPath: path))
            return DataFileChecksum(key: key, path: path, bytes: bytes, sha256: hex)
        }
        let root = URL(fileURLWithPath: path)
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw CLIError.failure("\(path) (\(key)): cannot list the folder")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            let full = root.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue,
                !(relative as NSString).lastPathComponent.hasPrefix(".")
            {
                files.append(relative)
            }
        }
        var listing = SHA256()
        var total = 0
        for relative in files.sorted() {
            let (hex, bytes) = try SHA256.file(at: root.appendingPathComponent(relative))
            listing.update(Array("\(relative)\t\(hex)\n".utf8))
            total += bytes
        }
        return DataFileChecksum(
            key: key, path: path, bytes: total,
            sha256: listing.finalize().map { String(format: "%02x", $0) }.joined())
    }
}

/// meta.json: what ran, where, when, and how it ended.
public struct RunMeta: Codable, Equatable {
    public var id: String
    public var name: String
    public var status: RunStatus
    /// Why the run failed (or was interrupted), when it did.
    public var error: String?
    /// ISO 8601 UTC.
    public var started: String
    public var ended: String?
    /// Wall-clock seconds from start to end (summed over resumed segments). While the run is
    /// running: the total of its finished segments (the current one is measured from `resumed.last`
    /// or `started`).
    public var durationSeconds: Double?
    public var seed: UInt64
    /// Set on the children of `workbench sweep`, with the values this child took.
    public var sweepID: String?
    public var sweepValues: [String: String]?
    /// The run this one reproduces (`workbench reproduce`).
    public var reproduces: String?
    public var commandLine: [String]
    public var pid: Int32
    public var environment: RunEnvironment
    public var dataFiles: [DataFileChecksum]
    /// Start times of `workbench resume` segments.
    public var resumed: [String]?
    /// The command line of each `workbench resume`, in the order of `resumed` (`commandLine` stays
    /// the one that started the run); `[]` for resumes recorded before it was kept.
    public var resumeCommandLines: [[String]]?
    /// With `pid`, what identifies the process that is (or was) running the run, so a reused pid is
    /// not taken for it: the kernel's boot id (`/proc/sys/kernel/random/boot_id`) and the process's
    /// start time in clock ticks after boot (field 22 of `/proc/<pid>/stat`). Nil where Linux's
    /// /proc is not there, and in runs recorded before they were kept (judged by the pid alone).
    public var bootID: String?
    public var processStart: UInt64?

    public init(
        id: String, name: String, status: RunStatus, started: Date, seed: UInt64, commandLine: [String],
        environment: RunEnvironment, dataFiles: [DataFileChecksum]
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.started = ISO8601.string(started)
        self.seed = seed
        self.commandLine = commandLine
        self.pid = getpid()
        self.environment = environment
        self.dataFiles = dataFiles
        claimForThisProcess()
    }

    /// Records this process as the one running the run (pid, boot id, process start time).
    public mutating func claimForThisProcess() {
        pid = getpid()
        bootID = ProcessIdentity.bootID()
        processStart = ProcessIdentity.startTime(of: pid)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, error, started, ended, durationSeconds, seed, sweepID, sweepValues
        case reproduces, commandLine, pid, environment, dataFiles, resumed, resumeCommandLines
        case bootID, processStart
    }

    /// Decodes meta.json checking every value's type and range (see `JSONFieldError`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.checked(String.self, .id, expected: "a string (the run id)")
        name = try c.checked(String.self, .name, expected: "a string")
        let written = RunStatus.written.map(\.rawValue)
        let statusText = try c.checked(
            String.self, .status, expected: "one of " + written.joined(separator: ", "))
        guard let status = RunStatus(rawValue: statusText), RunStatus.written.contains(status) else {
            throw c.fieldError(
                .status,
                "expected one of \(written.joined(separator: ", ")), found '\(TerminalText.escaped(statusText))'"
            )
        }
        self.status = status
        error = try c.checkedIfPresent(String.self, .error, expected: "a string")
        started = try c.timestamp(.started)
        ended = try c.timestampIfPresent(.ended)
        durationSeconds = try c.durationIfPresent(.durationSeconds)
        seed = try c.integer(.seed, in: 0...UInt64.max)
        sweepID = try c.checkedIfPresent(String.self, .sweepID, expected: "a string")
        sweepValues = try c.checkedIfPresent(
            [String: String].self, .sweepValues, expected: "an object of strings")
        reproduces = try c.checkedIfPresent(String.self, .reproduces, expected: "a string (a run id)")
        commandLine = try c.checked([String].self, .commandLine, expected: "a list of strings")
        pid = try c.integer(.pid, in: 1...Int32.max)
        environment = try c.checked(RunEnvironment.self, .environment, expected: "an object")
        dataFiles = try c.checked([DataFileChecksum].self, .dataFiles, expected: "a list of objects")
        resumed = try c.timestampsIfPresent(.resumed)
        resumeCommandLines = try c.checkedIfPresent(
            [[String]].self, .resumeCommandLines, expected: "a list of lists of strings")
        bootID = try c.checkedIfPresent(String.self, .bootID, expected: "a string")
        processStart = try c.integerIfPresent(.processStart, in: 0...UInt64.max)
    }
}

/// ISO 8601 timestamps in UTC, to the second.
enum ISO8601 {
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func date(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }
}
