import Foundation
import WorkbenchData
import WorkbenchModel
import WorkbenchRandom
import XCTest

@testable import WorkbenchExperiments

final class ExperimentRunnerTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// 3 classes of 1×4×4 images: class k is bright in rows k (plus seeded noise).
    func dataset(count: Int, seed: UInt64) -> ArrayDataset {
        var rng = SplitMix64(seed: seed)
        let samples = (0..<count).map { i -> Sample in
            let label = i % 3
            let pixels = (0..<16).map { p in (p / 4 == label ? 0.8 : 0.1) + rng.nextFloat(in: -0.1, 0.1) }
            return Sample(image: Image(channels: 1, height: 4, width: 4, pixels: pixels), label: label)
        }
        return ArrayDataset(samples: samples)
    }

    func plan(seed: UInt64, epochs: Int = 3) throws -> TrainingPlan {
        let train = try BatchStream(
            dataset: dataset(count: 30, seed: 1), batchSize: 4,
            seed: SplitMix64(seed: seed), workers: 1)
        let test = try BatchStream.evaluation(dataset: dataset(count: 12, seed: 2), batchSize: 5)
        return TrainingPlan(
            epochs: epochs, train: train, validation: nil, test: test,
            schedule: StepDecaySchedule(base: 0.5, everyEpochs: 1, gamma: 0.5))
    }

    /// A listener that asks for a stop at a given step.
    final class StopAt: TrainingListener {
        let step: Int
        let stop: StopRequest
        init(step: Int, stop: StopRequest) {
            self.step = step
            self.stop = stop
        }
        func stepDidEnd(_ event: StepEvent) throws { if event.step == step { stop.request() } }
    }

    func startRun(_ name: String, seed: UInt64) throws -> (RunFolder, SoftmaxRegressionModel, RunRecorder) {
        let folder = try RunStore(root: root).createRun(name: name)
        let meta = RunMeta(
            id: folder.id, name: name, status: .running, started: Date(), seed: seed,
            commandLine: ["test"], environment: .current(threads: 1), dataFiles: [])
        return (
            folder, SoftmaxRegressionModel(inputs: 16, classes: 3, seed: seed),
            try RunRecorder(folder: folder, meta: meta)
        )
    }

    func listeners(_ folder: RunFolder, _ model: TrainableModel, _ recorder: RunRecorder, seed: UInt64)
        -> [TrainingListener]
    {
        [MetricsRecorder(folder: folder), Checkpointer(folder: folder, model: model, seed: seed), recorder]
    }

    func withoutTiming(_ rows: [[String: String]]) -> [[String: String]] {
        rows.map { $0.filter { !MetricsLog.timingColumns.contains($0.key) } }
    }

    func testCompletedRunWritesEveryFile() throws {
        let (folder, model, recorder) = try startRun("full", seed: 9)
        let runner = ExperimentRunner(
            plan: try plan(seed: 9), model: model,
            listeners: listeners(folder, model, recorder, seed: 9))
        XCTAssertEqual(runner.run(), .completed)
        let epochs = try folder.readEpochs()
        XCTAssertEqual(epochs.map { $0["epoch"] }, ["1", "2", "3"])
        XCTAssertEqual(epochs.map { $0["lr"] }, ["0.5", "0.25", "0.125"])
        XCTAssertEqual(epochs.map { $0["val_acc"] }, ["", "", ""])
        let losses = epochs.map { Double($0["train_loss"]!)! }
        XCTAssertLessThan(losses[2], losses[0])
        XCTAssertEqual(epochs.last?["test_acc"], "1.0")  // separable data
        let steps = try MetricsLog.read(folder.steps).rows
        XCTAssertEqual(steps.count, 3 * 8)  // 30 samples in batches of 4 → 8 per epoch
        XCTAssertEqual(steps.map { $0["step"]! }, (0..<24).map(String.init))
        XCTAssertEqual(steps[8]["lr"], "0.25")
        let meta = try folder.readMeta()
        XCTAssertEqual(meta.status, .completed)
        XCTAssertNotNil(meta.durationSeconds)
        let summary = try JSON.read(RunSummary.self, from: folder.summary)
        XCTAssertEqual(summary.finalEpoch, 3)
        XCTAssertEqual(summary.bestBy, "test_acc")
        for file in [
            "weights/final.safetensors", "weights/best.safetensors", "checkpoint/state.json",
            "checkpoint/weights.json", "checkpoint/optimizer.json",
        ] {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: folder.url.appendingPathComponent(file).path), file)
        }
        let state = try XCTUnwrap(Checkpointer.latest(in: folder)).state
        XCTAssertEqual(state.position, TrainingPosition(epoch: 3, step: 24))
    }

    func testInterruptedThenResumedEqualsUninterrupted() throws {
        let (fullFolder, fullModel, fullRecorder) = try startRun("full", seed: 5)
        XCTAssertEqual(
            ExperimentRunner(
                plan: try plan(seed: 5), model: fullModel,
                listeners: listeners(fullFolder, fullModel, fullRecorder, seed: 5)
            ).run(),
            .completed)

        let (folder, model, recorder) = try startRun("cut", seed: 5)
        let stop = StopRequest()
        let cut = ExperimentRunner(
            plan: try plan(seed: 5), model: model,
            listeners: listeners(folder, model, recorder, seed: 5) + [StopAt(step: 11, stop: stop)],
            stop: stop)
        XCTAssertEqual(cut.run(), .interrupted)
        XCTAssertEqual(try folder.readMeta().status, .interrupted)
        XCTAssertEqual(try folder.readEpochs().count, 1)
        XCTAssertEqual(try MetricsLog.read(folder.steps).rows.count, 12)  // partial epoch 2 logged...

        // Resume: a fresh model restored from the checkpoint, logs cut back to it.
        let (state, url) = try XCTUnwrap(Checkpointer.latest(in: folder))
        XCTAssertEqual(state.position, TrainingPosition(epoch: 1, step: 8))
        let resumedModel = SoftmaxRegressionModel(inputs: 16, classes: 3, seed: 999)
        try resumedModel.loadTrainingState(from: url)
        let resumedRecorder = try RunRecorder(folder: folder, meta: try folder.readMeta())
        XCTAssertEqual(
            ExperimentRunner(
                plan: try plan(seed: 5), model: resumedModel,
                listeners: listeners(folder, resumedModel, resumedRecorder, seed: 5)
            )
            .run(from: state.position), .completed)

        XCTAssertEqual(withoutTiming(try folder.readEpochs()), withoutTiming(try fullFolder.readEpochs()))
        XCTAssertEqual(
            try String(contentsOf: folder.steps, encoding: .utf8),
            try String(contentsOf: fullFolder.steps, encoding: .utf8))  // ...and cut back on resume
        XCTAssertEqual(resumedModel.weights, fullModel.weights)
        XCTAssertEqual(try folder.readMeta().status, .completed)
    }

    func testNonFiniteLossStopsTheRunAsFailedKeepingLastCheckpoint() throws {
        let (folder, model, recorder) = try startRun("nan", seed: 3)
        model.poisonStep = 10
        let outcome = ExperimentRunner(
            plan: try plan(seed: 3), model: model,
            listeners: listeners(folder, model, recorder, seed: 3)
        ).run()
        XCTAssertEqual(outcome, .failed("non-finite loss at epoch 2, batch 3 (loss nan, step 10)"))
        let meta = try folder.readMeta()
        XCTAssertEqual(meta.status, .failed)
        XCTAssertEqual(meta.error, "non-finite loss at epoch 2, batch 3 (loss nan, step 10)")
        XCTAssertEqual(
            try Checkpointer.latest(in: folder)?.state.position, TrainingPosition(epoch: 1, step: 8))
        XCTAssertEqual(try folder.readEpochs().count, 1)
    }

    /// A listener whose end-of-run work fails (as saving the final weights on a full disk would).
    final class FailingAtEnd: TrainingListener {
        struct Full: Error, CustomStringConvertible {
            var description: String { "weights/final.safetensors: disk full" }
        }
        func runDidEnd(_ outcome: RunOutcome, at position: TrainingPosition) throws { throw Full() }
    }

    func testAListenerFailingAtTheEndIsRecordedAsAFailedRun() throws {
        let (folder, model, recorder) = try startRun("end", seed: 4)
        let outcome = ExperimentRunner(
            plan: try plan(seed: 4, epochs: 1), model: model,
            listeners: [MetricsRecorder(folder: folder), FailingAtEnd(), recorder]
        ).run()
        XCTAssertEqual(outcome, .failed("weights/final.safetensors: disk full"))
        let meta = try folder.readMeta()
        XCTAssertEqual(meta.status, .failed)
        XCTAssertEqual(meta.error, "weights/final.safetensors: disk full")
    }

    func testInterruptedBeforeTheFirstEpochEndsSaysThereIsNoCheckpoint() throws {
        let (folder, model, recorder) = try startRun("early", seed: 6)
        let stop = StopRequest()
        var err = ""
        let console = Console(isTerminal: false, out: { _ in }, err: { err += $0 })
        let outcome = ExperimentRunner(
            plan: try plan(seed: 6), model: model,
            listeners: listeners(folder, model, recorder, seed: 6)
                + [ProgressReporter(console: console, folder: nil), StopAt(step: 2, stop: stop)],
            stop: stop
        ).run()
        XCTAssertEqual(outcome, .interrupted)
        XCTAssertNil(try Checkpointer.latest(in: folder))
        XCTAssertEqual(
            try folder.readMeta().error, "interrupted by signal before the first epoch ended; no checkpoint")
        XCTAssertTrue(
            err.hasSuffix(
                "interrupted before the first epoch ended; no checkpoint was written ('workbench resume'"
                    + " starts it again from epoch 0)\n"), err)
    }

    func testStopAtOnceRecordsTheRunAsInterruptedUnlessItsEndIsRecorded() throws {
        let (folder, model, recorder) = try startRun("once", seed: 2)
        XCTAssertEqual(
            ExperimentRunner(
                plan: try plan(seed: 2, epochs: 1), model: model,
                listeners: listeners(folder, model, recorder, seed: 2)
            ).run(), .completed)
        XCTAssertNil(recorder.stopAtOnce(signal: SIGINT), "the run's end was already recorded")
        XCTAssertEqual(try folder.readMeta().status, .completed)

        let (other, _, fresh) = try startRun("once", seed: 2)
        XCTAssertEqual(
            fresh.stopAtOnce(signal: SIGTERM),
            "stopped at once by a second SIGTERM before the first epoch ended; no checkpoint")
        let meta = try other.readMeta()
        XCTAssertEqual(meta.status, .interrupted)
        XCTAssertNotNil(meta.ended)
        // A later end (the main thread finishing) does not overwrite it.
        try fresh.runDidEnd(.completed, at: TrainingPosition(epoch: 1, step: 8))
        XCTAssertEqual(try other.readMeta().status, .interrupted)
    }
}
