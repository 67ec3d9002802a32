#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one-cycle policy (Smith & Topin 2018, "Super-Convergence"; Smith 2018), per step, in the
/// cosine form of PyTorch's `OneCycleLR` (learning rate only; momentum is not cycled):
///
///     initial = max / divFactor,   final = initial / finalDivFactor,   P = pctStart · total
///     two phases:   steps 0 … P−1: initial → max,   P−1 … total−1: max → final
///     three phases: 0 … P−1: initial → max,  P−1 … 2P−2: max → initial,  2P−2 … total−1: initial → final
///     anneal(a, b, p) = b + (a − b) · (1 + cos(π·p)) / 2, p the fraction of the phase done
///
/// Steps at or after `total` keep the final rate (PyTorch raises an error instead). A cycle too short
/// for its rise (e.g. one step) starts in the fall, exactly as PyTorch's phase arithmetic does.
public struct OneCycleSchedule: LearningRateSchedule, Equatable, Sendable {
    public var maxRate: Float
    public var length: ScheduleLength
    public var pctStart: Float
    public var divFactor: Float
    public var finalDivFactor: Float
    public var threePhase: Bool

    public init(
        maxRate: Float, length: ScheduleLength, pctStart: Float = 0.3, divFactor: Float = 25,
        finalDivFactor: Float = 1e4, threePhase: Bool = false
    ) {
        precondition(
            pctStart > 0 && pctStart < 1 && divFactor > 0 && finalDivFactor > 0,
            "one-cycle needs 0 < pctStart < 1 and positive div factors, got \(pctStart), \(divFactor), "
                + "\(finalDivFactor)")
        self.maxRate = maxRate
        self.length = length
        self.pctStart = pctStart
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.threePhase = threePhase
    }

    public func learningRate(atStep step: Int, stepsPerEpoch: Int) -> Float {
        precondition(step >= 0, "schedule needs step >= 0, got \(step)")
        let total = length.steps(stepsPerEpoch: stepsPerEpoch)
        precondition(total >= 1, "one-cycle needs at least one step in total, got \(total)")
        let peak = Double(maxRate)
        let initial = peak / Double(divFactor)
        let final = initial / Double(finalDivFactor)
        let rise = Double(pctStart) * Double(total) - 1
        let phases: [(end: Double, from: Double, to: Double)] =
            threePhase
            ? [(rise, initial, peak), (2 * rise, peak, initial), (Double(total - 1), initial, final)]
            : [(rise, initial, peak), (Double(total - 1), peak, final)]
        let s = Double(min(step, total - 1))
        var phaseStart = 0.0
        for (index, phase) in phases.enumerated() {
            if s <= phase.end || index == phases.count - 1 {
                let span = phase.end - phaseStart
                let fraction = span > 0 ? min(max((s - phaseStart) / span, 0), 1) : 1
                return Float(phase.to + (phase.from - phase.to) * (1 + cos(Double.pi * fraction)) / 2)
            }
            phaseStart = phase.end
        }
        fatalError("unreachable: the last phase always matches")
    }
}
