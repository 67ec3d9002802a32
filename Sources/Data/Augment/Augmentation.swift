import WorkbenchRandom

/// Channels, height and width of an image, as `Dataset.sampleShape` reports them.
public typealias ImageShape = (channels: Int, height: Int, width: Int)

/// A random transformation of a training image: draws its parameters from `rng` and changes the
/// image in place.
///
/// Augmentations apply to training samples only. The stream hands each sample its own generator,
/// derived from (seed, epoch, sample index), so the draws never depend on thread timing. The
/// `description` names the augmentation and all its parameters, for recording in run configs.
public protocol Augmentation: Sendable, CustomStringConvertible {
    /// Transforms `image`, drawing every random choice from `rng`. The image must have a shape
    /// accepted by `outputShape(for:)` (the stream checks this once, before streaming).
    func apply(_ image: inout Image, rng: inout SplitMix64)

    /// The shape `apply` produces from an input of `shape`; throws a `DataError` when the
    /// augmentation cannot take that input (e.g. a crop larger than the padded image).
    func outputShape(for shape: ImageShape) throws -> ImageShape

    /// The deterministic step validation and test images get in place of this one, so that they
    /// reach the network at the training images' size (`RandomCrop` → `CenterCrop`); `nil` for the
    /// augmentations that keep the shape (evaluation images skip them).
    var evaluationCounterpart: (any Augmentation)? { get }
}

extension Augmentation {
    /// Most augmentations keep the shape.
    public func outputShape(for shape: ImageShape) throws -> ImageShape { shape }

    /// Shape-keeping augmentations have no evaluation counterpart.
    public var evaluationCounterpart: (any Augmentation)? { nil }
}

/// Formats a float parameter compactly for descriptions ("0.5", "2", "-1e-05").
@usableFromInline func formatParameter(_ value: Float) -> String {
    if value == value.rounded() && abs(value) < 1e7 { return String(Int(value)) }
    return "\(value)"
}

/// Formats a closed range parameter as "low...high".
@usableFromInline func formatParameter(_ range: ClosedRange<Float>) -> String {
    "\(formatParameter(range.lowerBound))...\(formatParameter(range.upperBound))"
}
