import Foundation

/// A run's lifecycle state as recorded in meta.json. `stale` is never written: it is what a
/// `running` run is shown as when its process is gone.
public enum RunStatus: String, Codable {
    case running, completed, failed, interrupted, stale
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
