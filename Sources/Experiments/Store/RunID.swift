import Foundation

/// Run ids are collision-free and sort by start time: `20261203T170102Z-<name>-<4 hex>`.
/// The hex comes from /dev/urandom; the folder is made with mkdir, which fails if it exists, so two
/// processes starting a run in the same second still get two folders (the loser draws again).
public enum RunID {
    /// The UTC timestamp part, e.g. `20261203T170102Z`.
    public static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// The experiment name reduced to characters safe in a folder name (others become '-').
    public static func sanitized(_ name: String) -> String { folderPart(name) ?? "run" }

    /// The name's part of a run folder: ASCII letters, digits, '-' and '_' kept, every other
    /// character ('.' included) '-', leading and trailing '-' dropped, at most 60 characters; nil when
    /// nothing is left (`""`, `".."`, `"/"`), which the config check refuses.
    public static func folderPart(_ name: String) -> String? {
        let safe = String(
            name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) ? $0 : "-" })
        let trimmed = safe.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? nil : String(trimmed.prefix(60))
    }

    /// Four random hex digits from /dev/urandom (pid and a counter if it cannot be read).
    static func randomSuffix() -> String {
        if let handle = FileHandle(forReadingAtPath: "/dev/urandom") {
            defer { try? handle.close() }
            if let bytes = try? handle.read(upToCount: 2), bytes.count == 2 {
                return bytes.map { String(format: "%02x", $0) }.joined()
            }
        }
        counter &+= 1
        return String(format: "%04x", (UInt32(getpid()) &* 31 &+ counter) & 0xFFFF)
    }

    nonisolated(unsafe) private static var counter: UInt32 = 0

    /// A new id for a run of `name` started at `date`.
    public static func make(name: String, date: Date = Date()) -> String {
        "\(timestamp(date))-\(sanitized(name))-\(randomSuffix())"
    }
}
