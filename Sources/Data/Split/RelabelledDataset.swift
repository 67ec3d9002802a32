/// A view of a dataset with its labels renumbered: base label `l` becomes `labelMap[l]`, named by
/// `classNames`. Used to number a test set's classes as the training set numbers them (a test folder
/// with classes {a, c} read against training classes {a, b, c} gives "c" label 2, not 1).
///
/// `labelMap[l]` is nil for a base label that never occurs; a sample with such a label, or a map
/// that does not fit, is a programmer mistake and traps.
public struct RelabelledDataset<Base: Dataset>: Dataset {
    public let base: Base
    public let labelMap: [Int?]
    public let classNames: [String]

    public init(_ base: Base, labelMap: [Int?], classNames: [String]) {
        precondition(
            labelMap.count == base.classNames.count,
            "RelabelledDataset needs one entry per base class (\(base.classNames.count)), "
                + "got \(labelMap.count)"
        )
        for case let label? in labelMap {
            precondition(
                label >= 0 && label < classNames.count,
                "RelabelledDataset label \(label) outside 0..<\(classNames.count)")
        }
        self.base = base
        self.labelMap = labelMap
        self.classNames = classNames
    }

    public var count: Int { base.count }
    public var sampleShape: (channels: Int, height: Int, width: Int) { base.sampleShape }

    public func sample(at index: Int) throws -> Sample {
        var sample = try base.sample(at: index)
        guard let label = labelMap[sample.label] else {
            preconditionFailure(
                "RelabelledDataset: sample \(index) has label \(sample.label), which has no mapping")
        }
        sample.label = label
        return sample
    }
}
