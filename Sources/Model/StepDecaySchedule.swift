#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Multiplies the rate by γ every `everyEpochs` epochs, per epoch (PyTorch `StepLR` stepped once
/// per epoch): rate(e) = base · γ^⌊e / N⌋, constant over every step of epoch e.
public struct StepDecaySchedule: LearningRateSchedule, Equatable, Sendable {
    public var base: Float
    public var everyEpochs: Int
    public var gamma: Float

    public init(base: Float, everyEpochs: Int, gamma: Float = 0.1) {
        precondition(everyEpochs > 0, "step decay needs everyEpochs > 0, got \(everyEpochs)")
        self.base = base
        self.everyEpochs = everyEpochs
        self.gamma = gamma
    }

    public func learningRate(atStep step: Int, stepsPerEpoch: Int) -> Float {
        let e = epoch(ofStep: step, stepsPerEpoch: stepsPerEpoch)
        return Float(Double(base) * pow(Double(gamma), Double(e / everyEpochs)))
    }
}
