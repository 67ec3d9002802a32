import XCTest

@testable import WorkbenchExperiments

final class ProgressReporterTests: XCTestCase {
    func events() -> ([StepEvent], EpochEvent) {
        let steps = (1...2).map { b in
            StepEvent(
                step: b - 1, epoch: 1, batch: b, batches: 2, loss: Double(b), learningRate: 0.5,
                imagesPerSecond: 100, elapsed: Double(b))
        }
        let epoch = EpochEvent(
            epoch: 1, epochs: 3, learningRate: 0.5,
            train: BatchResult(lossSum: 3, correct: 1, count: 2), validation: nil,
            test: BatchResult(lossSum: .nan, correct: 0, count: 2), seconds: 2.5,
            imagesPerSecond: 100, position: TrainingPosition(epoch: 1, step: 2))
        return (steps, epoch)
    }

    func run(terminal: Bool) throws -> String {
        var err = ""
        let console = Console(isTerminal: terminal, out: { _ in }, err: { err += $0 })
        let reporter = ProgressReporter(console: console, folder: nil)
        let (steps, epoch) = events()
        try reporter.runWillStart(at: .beginning, epochs: 3, batchesPerEpoch: 2)
        try reporter.epochWillStart(1)
        for step in steps { try reporter.stepDidEnd(step) }
        try reporter.epochDidEnd(epoch)
        try reporter.runDidEnd(.interrupted, at: epoch.position)
        return err
    }

    func testPlainLinesWhenNotATerminal() throws {
        XCTAssertEqual(
            try run(terminal: false),
            """
            training 3 epochs of 2 batches
            epoch 1/3  lr 0.5  train loss 1.5000 acc 0.5000  test loss nan acc 0.0000  2.5s  100 img/s
            interrupted; checkpoint at epoch 1 (resume with 'workbench resume')

            """)
    }

    func testLiveLineWithEtaOnATerminal() throws {
        let text = try run(terminal: true)
        // First step: 1 s for 1 of 2 batches → ETA 0:01; the line is redrawn in place and cleared.
        XCTAssertTrue(
            text.contains("\repoch 1/3  batch 1/2  100 img/s  loss 1.0000  ETA 0:01\u{1B}[K"),
            text.debugDescription)
        XCTAssertTrue(
            text.contains("\repoch 1/3  batch 2/2  100 img/s  loss 1.5000  ETA 0:00\u{1B}[K"),
            text.debugDescription)
        XCTAssertTrue(text.contains("\r\u{1B}[Kepoch 1/3  lr 0.5  train loss 1.5000"), text.debugDescription)
    }
}
