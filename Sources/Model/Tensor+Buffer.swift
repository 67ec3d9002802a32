/// Reusable tensors for layer outputs and input gradients.
///
/// A layer keeps its output and input-gradient tensors between calls and takes them out with
/// `Tensor.take(_:shape:zeroed:)`: when the shape is unchanged and nobody else still holds the
/// storage (the network drops the layers' cached inputs before each forward pass), no memory is
/// allocated. If somebody does hold it, copy-on-write keeps their copy intact, so reuse is only
/// ever an optimisation, never a change in results.
extension Tensor {
    /// An empty placeholder tensor.
    public static let empty = Tensor(shape: [0], storage: [])

    /// `buffer`'s storage given `shape` (zero-filled when `zeroed`), leaving `buffer` empty so the
    /// returned tensor is the only reference. Store it back after writing it.
    static func take(_ buffer: inout Tensor, shape: [Int], zeroed: Bool) -> Tensor {
        var tensor = buffer
        buffer = .empty
        let count = shape.reduce(1, *)
        if tensor.storage.count != count { return Tensor(zeros: shape) }
        if tensor.shape != shape { tensor.shape = shape }
        if zeroed { tensor.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        return tensor
    }
}
