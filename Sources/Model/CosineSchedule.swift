#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Cosine annealing from `base` to `minimum` (Loshchilov & Hutter 2017, "SGDR", without restarts):
///
///     rate(t) = minimum + (base − minimum) · (1 + cos(π · min(t, T) / T)) / 2
///
/// With `.steps(T)`, t is the optimizer step (per-step). With `.epochs(T)`, t is the epoch and the
/// rate is constant within an epoch (PyTorch `CosineAnnealingLR` stepped per epoch). After T the
/// rate stays at `minimum` (PyTorch's would rise again).
public struct CosineSchedule: LearningRateSchedule, Equatable, Sendable {
    public var base: Float
    public var minimum: Float
    public var length: ScheduleLength

    public init(base: Float, minimum: Float = 0, length: ScheduleLength) {
        switch length {
        case .steps(let n), .epochs(let n):
            precondition(n > 0, "cosine schedule needs a positive length, got \(n)")
        }
        self.base = base
        self.minimum = minimum
        self.length = length
    }

    public func learningRate(atStep step: Int, stepsPerEpoch: Int) -> Float {
        let e = epoch(ofStep: step, stepsPerEpoch: stepsPerEpoch)
        let (t, total): (Int, Int)
        switch length {
        case .steps(let n): (t, total) = (step, n)
        case .epochs(let n): (t, total) = (e, n)
        }
        let progress = Double(min(t, total)) / Double(total)
        return Float(Double(minimum) + Double(base - minimum) * (1 + cos(Double.pi * progress)) / 2)
    }
}
