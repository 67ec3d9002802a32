/// The same rate at every step.
public struct ConstantSchedule: LearningRateSchedule, Equatable, Sendable {
    public var rate: Float

    public init(_ rate: Float) { self.rate = rate }

    public func learningRate(atStep step: Int, stepsPerEpoch: Int) -> Float { rate }
}
