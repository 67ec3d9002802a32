import WorkbenchRandom

/// Augmentations applied one after another, in the configured order, with one generator.
///
/// The pipeline is itself an `Augmentation`; its description lists the steps in order, e.g.
/// `random_crop(size: 28, padding: 2, fill: 0) -> hflip(p: 0.5)`. The names and parameters
/// follow the experiment file's `augment:` entries.
public struct AugmentationPipeline: Augmentation {
    public let steps: [any Augmentation]

    public init(_ steps: [any Augmentation]) { self.steps = steps }

    public func apply(_ image: inout Image, rng: inout SplitMix64) {
        for step in steps { step.apply(&image, rng: &rng) }
    }

    /// Follows the shape through every step; the error names the step that refuses its input.
    public func outputShape(for shape: ImageShape) throws -> ImageShape {
        var current = shape
        for (i, step) in steps.enumerated() {
            do {
                current = try step.outputShape(for: current)
            } catch let error as DataError {
                throw DataError(path: "augmentation step \(i + 1) \(step)", error.message)
            }
        }
        return current
    }

    /// The steps' evaluation counterparts in order (`CenterCrop` for every `RandomCrop`), or `nil`
    /// when no step has one: what validation and test images go through.
    public var evaluationCounterpart: (any Augmentation)? { evaluationPipeline }

    /// `evaluationCounterpart` as a pipeline.
    public var evaluationPipeline: AugmentationPipeline? {
        let steps = steps.compactMap(\.evaluationCounterpart)
        return steps.isEmpty ? nil : AugmentationPipeline(steps)
    }

    public var description: String {
        steps.isEmpty ? "none" : steps.map(\.description).joined(separator: " -> ")
    }
}
