import Dispatch
import Foundation

/// A request to stop training, set from a signal handler and polled by the runner between batches.
///
/// A signal acts in one of three ways:
/// - while the run is being prepared (`exitAtOnce`: config, data, checksums — reads that may block,
///   e.g. on a FIFO, and nothing recorded yet), it exits at once with status 130;
/// - the first one during training asks the run to stop after the current batch (it is then recorded
///   as interrupted with its last epoch's checkpoint);
/// - a second one (or, once `onSecondSignal` is set, two that the dispatch source reports at once)
///   runs `onSecondSignal` (which records the run as interrupted) and exits at once with status 130.
///   (The kernel merges signals sent while one is still pending: two sent back to back are one.)
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var setupExit: (@Sendable (Int32) -> Void)?
    private var forcedExit: (@Sendable (Int32) -> Void)?
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

    /// From now until `stopCooperatively()`, a signal calls `say` and exits at once with status 130.
    public func exitAtOnce(saying say: @escaping @Sendable (Int32) -> Void) {
        lock.withLock { setupExit = say }
    }

    /// Ends `exitAtOnce`: from now on signals ask for a stop. Returns whether one already was.
    /// (A signal being handled holds the lock until it has exited, so none slips in between.)
    @discardableResult
    public func stopCooperatively() -> Bool {
        lock.withLock {
            setupExit = nil
            return requested
        }
    }

    /// What a second signal does before the process exits (e.g. record the run as interrupted).
    public func onSecondSignal(_ action: @escaping @Sendable (Int32) -> Void) {
        lock.withLock { forcedExit = action }
    }

    /// Handles `count` signals of kind `signalNumber` (a dispatch source coalesces signals arriving
    /// together); returns only when the process goes on.
    func handle(_ signalNumber: Int32, count: UInt, onFirst: (Int32) -> Void) {
        lock.lock()
        if let say = setupExit {
            say(signalNumber)
            _exit(130)
        }
        if requested || (count > 1 && forcedExit != nil) {
            requested = true
            forcedExit?(signalNumber)
            _exit(130)
        }
        requested = true
        lock.unlock()
        onFirst(signalNumber)
    }

    /// Routes SIGINT and SIGTERM here (see the type's comment for what each signal does).
    public func installSignalHandlers(onFirst: @escaping @Sendable (Int32) -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in  // (cancel releases the handler and its source)
                self?.handle(signalNumber, count: source.data, onFirst: onFirst)
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
