#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Multiplies the rate by γ every epoch, per epoch (PyTorch `ExponentialLR` stepped once per
/// epoch): rate(e) = base · γ^e.
public struct ExponentialSchedule: LearningRateSchedule, Equatable, Sendable {
    public var base: Float
    public var gamma: Float

    public init(base: Float, gamma: Float) {
        self.base = base
        self.gamma = gamma
    }

    public func learningRate(atStep step: Int, stepsPerEpoch: Int) -> Float {
        let e = epoch(ofStep: step, stepsPerEpoch: stepsPerEpoch)
        return Float(Double(base) * pow(Double(gamma), Double(e)))
    }
}
