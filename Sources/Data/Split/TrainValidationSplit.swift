import WorkbenchRandom

/// A seeded split of a training set into a training part and a validation part.
///
/// The validation part is `round(validationFraction * count)` samples chosen by a Fisher–Yates
/// shuffle drawn from `rng.derived(RandomStream.split)`, so it depends only on the seed and the
/// dataset size, never on other consumers of randomness. Both parts keep the base order (sorted
/// indices), so a split is easy to read and record; shuffling is the stream's job. Validation
/// (like test) data must never be augmented: stream it with `BatchStream.evaluation`.
public struct TrainValidationSplit<Base: Dataset> {
    public let train: Subset<Base>
    public let validation: Subset<Base>

    /// Splits `dataset`; `validationFraction` must be in [0, 1).
    public init(_ dataset: Base, validationFraction: Double, rng: SplitMix64) {
        precondition(
            validationFraction >= 0 && validationFraction < 1,
            "validation fraction must be in [0, 1), got \(validationFraction)")
        let n = dataset.count
        let validationCount = Int((validationFraction * Double(n)).rounded())
        var order = Array(0..<n)
        var splitRNG = rng.derived(RandomStream.split.rawValue)
        // Only the first `validationCount` positions need to be drawn (partial Fisher–Yates).
        for i in 0..<validationCount {
            let j = i + splitRNG.nextInt(below: n - i)
            order.swapAt(i, j)
        }
        validation = Subset(dataset, indices: order[..<validationCount].sorted())
        train = Subset(dataset, indices: order[validationCount...].sorted())
    }
}
