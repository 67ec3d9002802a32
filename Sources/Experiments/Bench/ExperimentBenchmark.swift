import Dispatch
import Foundation
import WorkbenchData
import WorkbenchModel

/// Whether an experiment's own data stream keeps up with its training, measured on what
/// `workbench run` builds from the config (`TrainingSetup.make`), not on a synthetic dataset:
///
/// 1. the setup (read + decode the data files, split), and separately loading just the training
///    IDX files (`IDXDataset`; skipped for folder datasets);
/// 2. the stream alone: one full epoch (epoch 0) of the plan's training `BatchStream` — decode,
///    augment, normalise on the config's `training.workers` — with nothing else running;
/// 3. training fed by that stream: the first `batches` batches of epoch 0, each through
///    `TrainableModel.train(on:learningRate:step:)` at the schedule's rate, as the runner does;
/// 4. training from memory: the same batches, gathered beforehand, through the same steps — so the
///    difference to 3 is what the stream costs the trainer.
///
/// Before the timed training one untimed step (the first batch, step 0) pays the first-step costs
/// (replicas, optimizer state, BLAS threads), so neither timed phase carries them. Both timed
/// phases run steps 0..<batches with the same rates and dropout streams; the second continues from
/// the weights the first left, which changes no shapes and so no cost.
public struct ExperimentBenchmark {
    public var config: ExperimentConfig
    /// Training steps timed in each training phase; capped at one epoch's batches.
    public var batches: Int

    public init(config: ExperimentConfig, batches: Int) {
        precondition(batches >= 1, "ExperimentBenchmark needs batches ≥ 1, got \(batches)")
        self.config = config
        self.batches = batches
    }

    /// Wall-clock and process CPU seconds (all threads) of one measured phase.
    public struct Timing: Equatable {
        public var seconds: Double
        public var cpuSeconds: Double
    }

    /// One training phase: how many steps and images it ran, how long, and its mean loss.
    public struct TrainingPhase: Equatable {
        public var images: Int
        public var timing: Timing
        /// Mean of the per-sample losses the steps reported (before each update).
        public var meanLoss: Double
        public var imagesPerSecond: Double { Double(images) / max(timing.seconds, 1e-9) }
    }

    /// What one benchmark measured. `trainLoad` is nil for folder datasets.
    public struct Result: Equatable {
        public var experiment: String
        public var threads: Int
        public var workers: Int
        public var batch: Int
        public var setup: Timing
        public var trainLoad: Timing?
        /// Images in the training split (after `data.validation` is held out).
        public var trainSplitImages: Int
        public var epochBatches: Int
        /// Images the stream delivered in epoch 0, and how long it took alone.
        public var streamImages: Int
        public var stream: Timing
        /// Batches timed in each training phase.
        public var trainBatches: Int
        public var fedByStream: TrainingPhase
        public var fromMemory: TrainingPhase
        public var peakRSSMiB: Double
        public var openBLASCore: String

        public var streamImagesPerSecond: Double { Double(streamImages) / max(stream.seconds, 1e-9) }
        public var streamCPUMicrosecondsPerImage: Double {
            stream.cpuSeconds / Double(max(streamImages, 1)) * 1e6
        }
        /// Stream images/s over training (fed by the stream) images/s: ≥ 1 means training never
        /// waits for data.
        public var streamPerTraining: Double {
            streamImagesPerSecond / max(fedByStream.imagesPerSecond, 1e-9)
        }
        /// Training fed by the stream over training from memory (images/s): below 1 by what the
        /// stream's workers take from the trainer.
        public var streamFedPerMemory: Double {
            fedByStream.imagesPerSecond / max(fromMemory.imagesPerSecond, 1e-9)
        }
    }

    /// Builds the setup, loads the training files again on their own, streams one epoch, then
    /// trains `batches` steps fed by the stream and the same steps from memory. Data and shape
    /// errors throw as `workbench run` would; an epoch without a single batch throws `DataError`.
    public func run(progress: (String) -> Void = { _ in }) throws -> Result {
        progress("building the setup of \(config.name) (load + decode + split)")
        let (setup, setupTiming) = try Self.timed { try TrainingSetup.make(config) }
        let stream = setup.plan.train
        let model = setup.model
        let schedule = setup.plan.schedule

        var trainLoad: Timing?
        let source = config.data.train
        if source.format == "idx", let images = source.images, let labels = source.labels {
            progress("loading the training IDX files alone: \(images)")
            // The dataset is dropped at once: only the time is kept.
            (_, trainLoad) = try Self.timed {
                try IDXDataset(imagesPath: images, labelsPath: labels).count
            }
        } else {
            progress("skipping the training-set load figure: data.train is a \(source.format) dataset, not IDX")
        }

        let epochBatches = stream.batchesPerEpoch
        guard epochBatches > 0 else {
            throw DataError(
                path: source.images ?? source.path ?? "data.train",
                "expected at least one training batch of \(stream.batchSize), found "
                    + "\(stream.dataset.count) images in the training split"
                    + (stream.dropLast ? " with drop_last" : ""))
        }
        progress("streaming epoch 0 alone: \(epochBatches) batches on \(stream.workers) worker(s)")
        let (streamImages, streamTiming) = try Self.timed { () -> Int in
            var images = 0
            try stream.epoch(0).forEachBatch { images += $0.count }
            return images
        }

        let count = min(batches, epochBatches)
        progress("gathering the first \(count) batches of epoch 0 (untimed)")
        var held: [Batch] = []
        held.reserveCapacity(count)
        let gathering = stream.epoch(0).makeIterator()
        while held.count < count, let batch = try gathering.nextBatch() { held.append(batch) }
        gathering.cancel()

        func rate(_ step: Int) -> Float { schedule.learningRate(atStep: step, stepsPerEpoch: epochBatches) }
        _ = try model.train(on: held[0], learningRate: rate(0), step: 0)

        progress("training \(count) steps fed by the stream")
        let (fed, fedTiming) = try Self.timed { () -> BatchResult in
            var total = BatchResult.zero
            let iterator = stream.epoch(0).makeIterator()
            defer { iterator.cancel() }
            for step in 0..<count {
                guard let batch = try iterator.nextBatch() else { break }
                total = total + (try model.train(on: batch, learningRate: rate(step), step: step))
            }
            return total
        }

        progress("training the same \(count) steps from memory")
        let (memory, memoryTiming) = try Self.timed { () -> BatchResult in
            var total = BatchResult.zero
            for (step, batch) in held.enumerated() {
                total = total + (try model.train(on: batch, learningRate: rate(step), step: step))
            }
            return total
        }

        let training = config.training
        return Result(
            experiment: config.name, threads: training.threads, workers: stream.workers,
            batch: stream.batchSize, setup: setupTiming, trainLoad: trainLoad,
            trainSplitImages: stream.dataset.count, epochBatches: epochBatches,
            streamImages: streamImages, stream: streamTiming, trainBatches: count,
            fedByStream: TrainingPhase(images: fed.count, timing: fedTiming, meanLoss: fed.meanLoss),
            fromMemory: TrainingPhase(images: memory.count, timing: memoryTiming, meanLoss: memory.meanLoss),
            peakRSSMiB: Benchmark.peakRSSMiB(), openBLASCore: BLASInfo.coreName)
    }

    /// Runs `body`, returning its value with the wall-clock and process CPU time it took.
    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Timing) {
        let cpuStart = Benchmark.processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (value, Timing(seconds: seconds, cpuSeconds: Benchmark.processCPUSeconds() - cpuStart))
    }
}
