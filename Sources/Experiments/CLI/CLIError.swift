/// Why a command stopped, and the process exit status that says so (sysexits.h conventions).
public enum CLIError: Error, CustomStringConvertible, Equatable {
    /// The command line itself is wrong: exit 64 (EX_USAGE) with the message and the usage line.
    case usage(String, usage: String)
    /// The command ran but could not do its job (bad file, missing run...): exit 1.
    case failure(String)
    /// Stopped by SIGINT/SIGTERM before anything was recorded: exit 130 (128 + SIGINT).
    case interrupted(String)

    public var exitCode: Int32 {
        switch self {
        case .usage: return 64
        case .failure: return 1
        case .interrupted: return 130
        }
    }

    public var description: String {
        switch self {
        case .usage(let message, let usage): return "error: \(message)\nusage: \(usage)"
        case .failure(let message): return "error: \(message)"
        case .interrupted(let message): return "interrupted: \(message)"
        }
    }
}

/// The exit statuses workbench uses.
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    public static let usage: Int32 = 64
}
