/// A view of some samples of a base dataset, in the order of `indices` (no copying).
///
/// `subset.sample(at: i)` is `base.sample(at: indices[i])`; `baseIndex(_:)` maps back, so a stream
/// over a subset can report which sample of the original dataset it served.
public struct Subset<Base: Dataset>: Dataset {
    public let base: Base
    public let indices: [Int]

    public init(_ base: Base, indices: [Int]) {
        for (i, index) in indices.enumerated() {
            precondition(
                index >= 0 && index < base.count,
                "Subset index \(i) is \(index), expected 0..<\(base.count) (base dataset size)")
        }
        self.base = base
        self.indices = indices
    }

    public var count: Int { indices.count }
    public var sampleShape: (channels: Int, height: Int, width: Int) { base.sampleShape }
    public var classNames: [String] { base.classNames }

    public func sample(at index: Int) throws -> Sample {
        precondition(
            index >= 0 && index < indices.count,
            "Subset index \(index) out of range 0..<\(indices.count)")
        return try base.sample(at: indices[index])
    }

    /// The index in `base` of this subset's sample `index`.
    public func baseIndex(_ index: Int) -> Int { indices[index] }
}
