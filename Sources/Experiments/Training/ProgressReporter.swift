import Foundation

/// Shows training progress. On a terminal: a live line per epoch (batch i/n, images/s, loss, ETA)
/// redrawn with `\r` at most five times a second, then the epoch's summary line. Otherwise: one
/// plain line per epoch. Every summary line also goes to the run's log.txt.
public final class ProgressReporter: TrainingListener {
    public let console: Console
    public let folder: RunFolder?
    private var epochs = 0
    private var lastDraw = Date.distantPast
    private var runningLoss = 0.0
    private var lossCount = 0

    public init(console: Console, folder: RunFolder?) {
        self.console = console
        self.folder = folder
    }

    private func say(_ line: String) {
        console.error(line)
        folder?.appendLog(line)
    }

    public func runWillStart(at position: TrainingPosition, epochs: Int, batchesPerEpoch: Int) throws {
        self.epochs = epochs
        let from = position.epoch == 0 ? "" : " from epoch \(position.epoch + 1) (step \(position.step))"
        say("training \(epochs) epochs of \(batchesPerEpoch) batches\(from)")
    }

    public func epochWillStart(_ epoch: Int) throws {
        runningLoss = 0
        lossCount = 0
        lastDraw = .distantPast
    }

    public func stepDidEnd(_ event: StepEvent) throws {
        runningLoss += event.loss
        lossCount += 1
        guard console.isTerminal else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.2 || event.batch == event.batches else { return }
        lastDraw = now
        let eta = event.elapsed / Double(event.batch) * Double(event.batches - event.batch)
        let line = String(
            format: "epoch %d/%d  batch %d/%d  %.0f img/s  loss %.4f  ETA %@",
            event.epoch, epochs, event.batch, event.batches, event.imagesPerSecond,
            runningLoss / Double(lossCount), Self.clock(eta))
        console.errorRaw("\r" + line + "\u{1B}[K")
    }

    public func epochDidEnd(_ event: EpochEvent) throws {
        if console.isTerminal { console.errorRaw("\r\u{1B}[K") }
        var line = String(
            format: "epoch %d/%d  lr %@  train loss %@ acc %@", event.epoch, event.epochs,
            CSV.format(event.learningRate), Self.metric(event.train.meanLoss),
            Self.metric(event.train.accuracy))
        if let v = event.validation {
            line += "  val loss \(Self.metric(v.meanLoss)) acc \(Self.metric(v.accuracy))"
        }
        if let t = event.test {
            line += "  test loss \(Self.metric(t.meanLoss)) acc \(Self.metric(t.accuracy))"
        }
        line += String(format: "  %.1fs  %.0f img/s", event.seconds, event.imagesPerSecond)
        say(line)
    }

    public func runDidEnd(_ outcome: RunOutcome, at position: TrainingPosition) throws {
        if console.isTerminal { console.errorRaw("\r\u{1B}[K") }
        switch outcome {
        case .completed: say("completed after \(position.epoch) epochs (\(position.step) steps)")
        case .failed(let message): say("failed: \(message)")
        case .interrupted:
            say(
                position.epoch == 0
                    ? "interrupted before the first epoch ended; no checkpoint was written ('workbench resume'"
                        + " starts it again from epoch 0)"
                    : "interrupted; checkpoint at epoch \(position.epoch) (resume with 'workbench resume')")
        }
    }

    static func metric(_ value: Double) -> String {
        value.isFinite ? String(format: "%.4f", value) : CSV.format(value)
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
