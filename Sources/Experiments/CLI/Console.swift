import Foundation

/// Where a command writes: standard output for results, standard error for messages and progress.
/// Tests pass a capturing console; the binary uses the process's streams.
public final class Console: @unchecked Sendable {
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    /// Whether standard error is a terminal (live `\r` progress lines) or not (one plain line per epoch).
    public let isTerminal: Bool
    private let lock = NSLock()

    public init(isTerminal: Bool, out: @escaping (String) -> Void, err: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.writeOut = out
        self.writeErr = err
    }

    /// The process's own standard output and error.
    public static func standard() -> Console {
        Console(
            isTerminal: isatty(STDERR_FILENO) == 1,
            out: { FileHandle.standardOutput.write(Data($0.utf8)) },
            err: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// Writes `text` and a newline to standard output.
    public func print(_ text: String) { lock.withLock { writeOut(text + "\n") } }

    /// Writes `text` as is to standard output.
    public func write(_ text: String) { lock.withLock { writeOut(text) } }

    /// Writes `text` and a newline to standard error.
    public func error(_ text: String) { lock.withLock { writeErr(text + "\n") } }

    /// Writes `text` as is to standard error (progress lines ending in `\r`).
    public func errorRaw(_ text: String) { lock.withLock { writeErr(text) } }
}
