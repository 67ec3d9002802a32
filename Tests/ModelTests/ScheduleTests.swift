import Foundation
import XCTest

@testable import WorkbenchModel

final class ScheduleTests: XCTestCase {
    private func assertRates(
        _ schedule: any LearningRateSchedule, stepsPerEpoch: Int, _ expected: [Int: Double],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        for (step, rate) in expected.sorted(by: { $0.key < $1.key }) {
            let actual = schedule.learningRate(atStep: step, stepsPerEpoch: stepsPerEpoch)
            XCTAssertEqual(
                Double(actual), rate, accuracy: 1e-6 * max(1, abs(rate)), "step \(step)",
                file: file, line: line)
        }
    }

    func testConstant() {
        assertRates(ConstantSchedule(0.01), stepsPerEpoch: 7, [0: 0.01, 6: 0.01, 7: 0.01, 10_000: 0.01])
    }

    func testStepDecayChangesOnFirstStepOfEpoch() {
        // 10 steps per epoch, ×0.5 every 3 epochs: epochs 0–2 base, epoch 3 starts at step 30.
        assertRates(
            StepDecaySchedule(base: 0.1, everyEpochs: 3, gamma: 0.5), stepsPerEpoch: 10,
            [0: 0.1, 29: 0.1, 30: 0.05, 59: 0.05, 60: 0.025])
    }

    func testMultiStepAtMilestones() {
        assertRates(
            MultiStepSchedule(base: 1, milestones: [2, 4], gamma: 0.1), stepsPerEpoch: 5,
            [0: 1, 9: 1, 10: 0.1, 19: 0.1, 20: 0.01, 100: 0.01])
    }

    func testExponentialPerEpoch() {
        assertRates(
            ExponentialSchedule(base: 1, gamma: 0.9), stepsPerEpoch: 4, [0: 1, 3: 1, 4: 0.9, 7: 0.9, 8: 0.81])
    }

    func testCosinePerStepAndPerEpoch() {
        assertRates(
            CosineSchedule(base: 1, minimum: 0.1, length: .steps(10)), stepsPerEpoch: 3,
            [0: 1, 5: 0.55, 10: 0.1, 15: 0.1])
        // Per epoch over 4 epochs of 3 steps: epoch 1 = 0.1 + 0.9·(1 + cos(π/4))/2 = 0.868198.
        assertRates(
            CosineSchedule(base: 1, minimum: 0.1, length: .epochs(4)), stepsPerEpoch: 3,
            [0: 1, 2: 1, 3: 0.8681980515, 5: 0.8681980515, 6: 0.55, 12: 0.1, 40: 0.1])
    }

    func testLinearWarmup() {
        assertRates(
            LinearWarmupSchedule(length: .steps(4), startFactor: 0.2, wrapping: ConstantSchedule(1)),
            stepsPerEpoch: 100, [0: 0.2, 1: 0.4, 2: 0.6, 3: 0.8, 4: 1, 50: 1])
        // Warm-up over epoch 0 (2 steps) from 0, wrapping ×0.5 per epoch: the wrapped schedule sees the
        // real step, so epoch 1 starts at its own rate 0.5.
        let wrapped = StepDecaySchedule(base: 1, everyEpochs: 1, gamma: 0.5)
        assertRates(
            LinearWarmupSchedule(length: .epochs(1), startFactor: 0, wrapping: wrapped), stepsPerEpoch: 2,
            [0: 0, 1: 0.5, 2: 0.5, 3: 0.5, 4: 0.25])
    }

    func testOneCycleTwoPhases() {
        // max 1, 10 steps, 30 % rise: initial 0.04, final 4e-6, rise ends at step 2 (= 0.3·10 − 1).
        let schedule = OneCycleSchedule(maxRate: 1, length: .steps(10))
        let fall = { (fraction: Double) in 4e-6 + (1 - 4e-6) * (1 + cos(Double.pi * fraction)) / 2 }
        assertRates(
            schedule, stepsPerEpoch: 5,
            [0: 0.04, 1: 0.52, 2: 1, 3: fall(1.0 / 7), 6: fall(4.0 / 7), 9: 4e-6, 10: 4e-6, 50: 4e-6])
        // Given in epochs: 2 epochs of 5 steps is the same 10-step cycle.
        let byEpochs = OneCycleSchedule(maxRate: 1, length: .epochs(2))
        for step in 0..<12 {
            XCTAssertEqual(
                byEpochs.learningRate(atStep: step, stepsPerEpoch: 5),
                schedule.learningRate(atStep: step, stepsPerEpoch: 5))
        }
    }

    func testOneCycleTooShortToRiseFollowsPyTorchPhaseArithmetic() {
        // 1 step: the rise ends at 0.3 − 1 = −0.7, so step 0 is the end of the fall: the final rate.
        let one = OneCycleSchedule(maxRate: 1, length: .epochs(1))
        XCTAssertEqual(Double(one.learningRate(atStep: 0, stepsPerEpoch: 1)), 4e-6, accuracy: 1e-9)
        // 2 steps: the fall spans −0.4 … 1, so step 0 is 0.4/1.4 of the way down.
        let two = OneCycleSchedule(maxRate: 1, length: .steps(2))
        let expected = 4e-6 + (1 - 4e-6) * (1 + cos(Double.pi * 0.4 / 1.4)) / 2
        XCTAssertEqual(Double(two.learningRate(atStep: 0, stepsPerEpoch: 1)), expected, accuracy: 1e-6)
    }

    func testOneCycleThreePhases() {
        // phases end at steps 2 (0.04 → 1), 4 (1 → 0.04) and 9 (0.04 → 4e-6)
        let schedule = OneCycleSchedule(maxRate: 1, length: .steps(10), threePhase: true)
        let last = { (fraction: Double) in 4e-6 + (0.04 - 4e-6) * (1 + cos(Double.pi * fraction)) / 2 }
        assertRates(
            schedule, stepsPerEpoch: 10,
            [0: 0.04, 1: 0.52, 2: 1, 3: 0.52, 4: 0.04, 5: last(0.2), 7: last(0.6), 9: 4e-6])
    }
}
