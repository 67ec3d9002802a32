import Dispatch
import Foundation

/// A request to stop training, set from a signal handler and polled by the runner between batches.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    public var isRequested: Bool { lock.withLock { requested } }

    /// Asks the runner to stop after the current batch. Returns whether a stop was already asked for.
    @discardableResult
    public func request() -> Bool {
        lock.withLock {
            defer { requested = true }
            return requested
        }
    }

    /// Routes SIGINT and SIGTERM here: the first asks the run to stop after the current batch (it
    /// is then recorded as interrupted with its last epoch's checkpoint); a second exits at once
    /// with status 130, leaving the run as it was on disk (it will show as stale).
    public func installSignalHandlers(onFirst: @escaping @Sendable (Int32) -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if self.request() { _exit(130) }
                onFirst(signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores the default signal actions.
    public func removeSignalHandlers() {
        for source in sources { source.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
