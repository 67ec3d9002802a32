import Foundation
import WorkbenchData
import WorkbenchModel
import WorkbenchRandom

/// Everything one training run consumes, built from an experiment config.
public struct TrainingPlan {
    public var epochs: Int
    /// Training batches: shuffled by (seed, epoch), augmented per sample.
    public var train: BatchStream
    /// Validation and test batches: dataset order, no augmentation.
    public var validation: BatchStream?
    public var test: BatchStream?
    public var schedule: any LearningRateSchedule

    public init(
        epochs: Int, train: BatchStream, validation: BatchStream?, test: BatchStream?,
        schedule: any LearningRateSchedule
    ) {
        self.epochs = epochs
        self.train = train
        self.validation = validation
        self.test = test
        self.schedule = schedule
    }
}

/// The training loop. It streams batches, asks the schedule for each step's rate, steps the model,
/// evaluates validation and test data after every epoch, and announces each event to its listeners
/// (CSV logs, checkpoints, progress, the run record), as swift-models' TrainingLoop does.
///
/// It stops early when a stop is requested (between batches: the partial epoch is abandoned and the
/// outcome is `interrupted`), on a non-finite loss ("non-finite loss at epoch E, batch B"), or on any
/// error from the data, the model or a listener (outcome `failed` with the message).
public final class ExperimentRunner {
    public let plan: TrainingPlan
    public let model: TrainableModel
    public var listeners: [TrainingListener]
    public let stop: StopRequest

    public init(
        plan: TrainingPlan, model: TrainableModel, listeners: [TrainingListener] = [],
        stop: StopRequest = StopRequest()
    ) {
        self.plan = plan
        self.model = model
        self.listeners = listeners
        self.stop = stop
    }

    private struct Stop: Error { var outcome: RunOutcome }

    /// Trains from `start` (the beginning, or a restored checkpoint) to the last epoch.
    public func run(from start: TrainingPosition = .beginning) -> RunOutcome {
        var position = start
        var outcome: RunOutcome
        do {
            try listeners.forEach {
                try $0.runWillStart(
                    at: start, epochs: plan.epochs,
                    batchesPerEpoch: plan.train.batchesPerEpoch)
            }
            while position.epoch < plan.epochs {
                position = try runEpoch(position.epoch + 1, startingAt: position.step)
            }
            outcome = .completed
        } catch let stopped as Stop {
            outcome = stopped.outcome
        } catch {
            outcome = .failed("\(error)")
        }
        // Every listener hears the end; one that fails (e.g. cannot save the final weights) turns the
        // outcome into a failure for the listeners after it, so the run record says so.
        for listener in listeners {
            do {
                try listener.runDidEnd(outcome, at: position)
            } catch {
                if outcome == .completed || outcome == .interrupted { outcome = .failed("\(error)") }
            }
        }
        return outcome
    }

    /// Trains epoch `epoch` (1-based) and evaluates; returns the position after it.
    private func runEpoch(_ epoch: Int, startingAt firstStep: Int) throws -> TrainingPosition {
        try listeners.forEach { try $0.epochWillStart(epoch) }
        let started = Date()
        let batches = plan.train.batchesPerEpoch
        var step = firstStep
        var total = BatchResult.zero
        var learningRate: Float = 0
        var batchNumber = 0
        try plan.train.epoch(epoch - 1).forEachBatch { batch in
            if stop.isRequested { throw Stop(outcome: .interrupted) }
            batchNumber += 1
            learningRate = plan.schedule.learningRate(atStep: step, stepsPerEpoch: batches)
            let result = try model.train(on: batch, learningRate: learningRate, step: step)
            guard result.lossSum.isFinite else {
                throw Stop(
                    outcome: .failed(
                        "non-finite loss at epoch \(epoch), batch \(batchNumber)"
                            + " (loss \(CSV.format(result.meanLoss)), step \(step))"))
            }
            total = total + result
            let elapsed = Date().timeIntervalSince(started)
            let event = StepEvent(
                step: step, epoch: epoch, batch: batchNumber, batches: batches,
                loss: result.meanLoss, learningRate: learningRate,
                imagesPerSecond: Double(total.count) / max(elapsed, 1e-9), elapsed: elapsed)
            step += 1
            try listeners.forEach { try $0.stepDidEnd(event) }
        }
        if stop.isRequested { throw Stop(outcome: .interrupted) }
        let trainSeconds = Date().timeIntervalSince(started)
        let validation = try plan.validation.map(evaluate)
        let test = try plan.test.map(evaluate)
        let position = TrainingPosition(epoch: epoch, step: step)
        let event = EpochEvent(
            epoch: epoch, epochs: plan.epochs, learningRate: learningRate, train: total,
            validation: validation, test: test, seconds: Date().timeIntervalSince(started),
            imagesPerSecond: Double(total.count) / max(trainSeconds, 1e-9), position: position)
        try listeners.forEach { try $0.epochDidEnd(event) }
        return position
    }

    private func evaluate(_ stream: BatchStream) throws -> BatchResult {
        var total = BatchResult.zero
        try stream.epoch(0).forEachBatch { batch in
            if stop.isRequested { throw Stop(outcome: .interrupted) }
            total = total + (try model.evaluate(batch))
        }
        return total
    }
}
