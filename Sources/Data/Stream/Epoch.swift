/// The batches of one epoch of a `BatchStream`, as a lazy sequence.
///
/// Each iteration starts its own workers, which stop when the epoch ends, when an error is
/// delivered, or when the iterator is dropped or cancelled. Elements are `Result`s: a decoding
/// error (a `DataError` naming the file) arrives in order, after the batches before it, and ends
/// the epoch. `forEachBatch` is the throwing form.
public struct Epoch: Sequence {
    public let stream: BatchStream
    public let index: Int

    public func makeIterator() -> BatchIterator { BatchIterator(stream: stream, epoch: index) }

    public var underestimatedCount: Int { stream.batchesPerEpoch }

    /// Calls `body` on every batch in order; rethrows the first decoding error or error of `body`
    /// (the workers are stopped before it propagates).
    public func forEachBatch(_ body: (Batch) throws -> Void) throws {
        let iterator = makeIterator()
        defer { iterator.cancel() }
        while let batch = try iterator.nextBatch() { try body(batch) }
    }
}
