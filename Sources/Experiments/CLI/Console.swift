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

    /// The process's own standard output and error. SIGPIPE is ignored and a stream whose reader
    /// has gone (`workbench run x.yaml | head -4`) is dropped quietly, so training goes on to the end
    /// and records its run instead of being killed half-way.
    public static func standard() -> Console {
        signal(SIGPIPE, SIG_IGN)
        let out = ClosableStream(STDOUT_FILENO)
        let err = ClosableStream(STDERR_FILENO)
        return Console(isTerminal: isatty(STDERR_FILENO) == 1, out: out.write, err: err.write)
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

/// A file descriptor written with write(2); after EPIPE (reader gone) or another write error,
/// further writes are dropped.
final class ClosableStream: @unchecked Sendable {
    private let descriptor: Int32
    private var closed = false

    init(_ descriptor: Int32) { self.descriptor = descriptor }

    func write(_ text: String) {
        guard !closed else { return }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Foundation.write(descriptor, $0.baseAddress, $0.count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                closed = true
                return
            }
            offset += written
        }
    }
}
