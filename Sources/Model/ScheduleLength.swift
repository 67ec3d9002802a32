/// A schedule length counted in optimizer steps or in epochs.
public enum ScheduleLength: Equatable, Sendable {
    case steps(Int)
    case epochs(Int)

    /// The length in optimizer steps.
    public func steps(stepsPerEpoch: Int) -> Int {
        switch self {
        case .steps(let n): return n
        case .epochs(let n): return n * stepsPerEpoch
        }
    }
}

/// The 0-based epoch an optimizer step falls in; step 0 of epoch e is step e·stepsPerEpoch.
func epoch(ofStep step: Int, stepsPerEpoch: Int) -> Int {
    precondition(
        step >= 0 && stepsPerEpoch > 0,
        "schedule needs step >= 0 and stepsPerEpoch > 0, got step \(step), stepsPerEpoch \(stepsPerEpoch)")
    return step / stepsPerEpoch
}
