import Foundation

/// Whether the process recorded in a run's meta.json is still the one running it.
///
/// A pid alone is not enough: pids are reused, and after a reboot a dead run's pid may belong to any
/// process (pid 1 always exists). So a run also records the kernel's boot id and its process's start
/// time (clock ticks after boot, field 22 of `/proc/<pid>/stat`); the run is alive only if the boot
/// id is the same, a process with the pid exists and it started at the recorded tick. Records
/// without those fields (older runs, or no /proc) are judged by the pid alone.
public enum ProcessIdentity {
    /// `/proc/sys/kernel/random/boot_id`: a new random UUID at every boot.
    public static func bootID() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
        else { return nil }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }

    /// The start time of process `pid` in clock ticks after boot, from `/proc/<pid>/stat`; nil when
    /// there is no such process or no /proc.
    public static func startTime(of pid: Int32) -> UInt64? {
        guard pid > 0,
            let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat")
        else { return nil }
        return startTime(fromStat: String(decoding: data, as: UTF8.self))
    }

    /// Field 22 (`starttime`) of a `/proc/<pid>/stat` line. The second field, the command name in
    /// parentheses, may itself hold spaces and parentheses, so fields are counted after its last ')'.
    static func startTime(fromStat line: String) -> UInt64? {
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// Whether `pid` names a live process (kill(pid, 0) succeeds or fails with EPERM).
    static func exists(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) == 0 { return true }
        return errno == EPERM
    }

    /// The boot time (`btime` in /proc/stat), nil without /proc.
    static func bootTime() -> Date? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces)).map {
                Date(timeIntervalSince1970: $0)
            }
        }
        return nil
    }

    /// When process `pid` started, as a date (boot time plus its start tick), nil when unknown.
    public static func startDate(of pid: Int32) -> Date? {
        guard let ticks = startTime(of: pid), let boot = bootTime() else { return nil }
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard perSecond > 0 else { return nil }
        return boot.addingTimeInterval(Double(ticks) / perSecond)
    }

    /// Whether the process recorded as (pid, boot id, start time) is still running on this host.
    /// Without a recorded start time (a run written by an older build), a process with the pid that
    /// started after `claimed` (when the run was started or last resumed; 2 s of slack for the clock's
    /// rounding) is a different process: the run is not running.
    public static func isRunning(
        pid: Int32, bootID recordedBoot: String?, startTime recordedStart: UInt64?, claimed: Date? = nil
    ) -> Bool {
        if let recordedBoot, let current = bootID(), current != recordedBoot { return false }
        guard exists(pid) else { return false }
        if let recordedStart, let current = startTime(of: pid), current != recordedStart { return false }
        if recordedStart == nil, let claimed, let started = startDate(of: pid),
            started > claimed.addingTimeInterval(2)
        {
            return false
        }
        return true
    }
}
