#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Multiplies the rate by γ at each milestone epoch, per epoch (PyTorch `MultiStepLR` stepped once
/// per epoch): rate(e) = base · γ^(number of milestones ≤ e). Milestones [10, 15] give base for
/// epochs 0–9, base·γ for 10–14 and base·γ² from 15.
public struct MultiStepSchedule: LearningRateSchedule, Equatable, Sendable {
    public var base: Float
    public var milestones: [Int]
    public var gamma: Float

    public init(base: Float, milestones: [Int], gamma: Float = 0.1) {
        precondition(
            milestones == milestones.sorted() && milestones.allSatisfy { $0 > 0 },
            "multi-step milestones must be positive and increasing, got \(milestones)")
        self.base = base
        self.milestones = milestones
        self.gamma = gamma
    }

    public func learningRate(atStep step: Int, stepsPerEpoch: Int) -> Float {
        let e = epoch(ofStep: step, stepsPerEpoch: stepsPerEpoch)
        let passed = milestones.filter { $0 <= e }.count
        return Float(Double(base) * pow(Double(gamma), Double(passed)))
    }
}
