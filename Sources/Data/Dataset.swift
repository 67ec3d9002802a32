/// A finite, indexable collection of labelled images. Decoding may happen lazily in
/// `sample(at:)`, so datasets larger than memory can be streamed.
public protocol Dataset: Sendable {
    /// Number of samples.
    var count: Int { get }
    /// Shape every sample has (channels, height, width), when known up front.
    var sampleShape: (channels: Int, height: Int, width: Int) { get }
    /// Class names indexed by label (for IDX files without names: "0", "1", …).
    var classNames: [String] { get }
    /// Decodes sample `index` (0 ..< count). Throws a `DataError` naming the file on bad data.
    func sample(at index: Int) throws -> Sample
}
