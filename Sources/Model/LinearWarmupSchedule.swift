/// Ramps another schedule up linearly over the first steps (Goyal et al. 2017, "Accurate, Large
/// Minibatch SGD"), per step, multiplying it by PyTorch `LinearLR`'s factor:
///
///     factor(s) = f + (1 − f) · min(s, W) / W        rate(s) = factor(s) · wrapped.rate(s)
///
/// so step 0 runs at f·rate and steps ≥ W at the wrapped rate. The wrapped schedule sees the real
/// step (its epochs stay aligned with the data), as PyTorch's `ChainedScheduler` does.
public struct LinearWarmupSchedule: LearningRateSchedule {
    public var length: ScheduleLength
    public var startFactor: Float
    public var wrapped: any LearningRateSchedule

    public init(
        length: ScheduleLength, startFactor: Float = 1.0 / 3, wrapping wrapped: any LearningRateSchedule
    ) {
        precondition(
            (0...1).contains(startFactor), "warm-up start factor must be in [0, 1], got \(startFactor)")
        self.length = length
        self.startFactor = startFactor
        self.wrapped = wrapped
    }

    public func learningRate(atStep step: Int, stepsPerEpoch: Int) -> Float {
        let rate = wrapped.learningRate(atStep: step, stepsPerEpoch: stepsPerEpoch)
        let warmup = length.steps(stepsPerEpoch: stepsPerEpoch)
        guard step < warmup else { return rate }
        let factor = Double(startFactor) + Double(1 - startFactor) * Double(step) / Double(warmup)
        return Float(factor * Double(rate))
    }
}
