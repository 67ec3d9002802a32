/// Reusable tensors for layer outputs and input gradients.
///
/// A layer keeps its output and input-gradient tensors between calls and takes them out with
/// `Tensor.take(_:shape:zeroed:)`: when the shape is unchanged and nobody else still holds the
/// storage (the network drops the layers' cached inputs before each forward pass), no memory is
/// allocated. If somebody does hold it, copy-on-write keeps their copy intact, so reuse is only
/// ever an optimisation, never a change in results.
///
/// A shape written as an array literal is a new heap array on every call, so layers pass the
/// dimensions of a [N, C, H, W] or [N, F] result as a tuple: the buffer keeps its shape array
/// while the dimensions stay the same.
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

    /// `take` for a [N, C, H, W] result; a shape array is built only when the dimensions change.
    static func take(_ buffer: inout Tensor, shape: (Int, Int, Int, Int), zeroed: Bool) -> Tensor {
        let (n, c, h, w) = shape
        let current = buffer.shape
        return take(&buffer, shape: current.equals(n, c, h, w) ? current : [n, c, h, w], zeroed: zeroed)
    }

    /// `take` for a [N, F] result; a shape array is built only when the dimensions change.
    static func take(_ buffer: inout Tensor, shape: (Int, Int), zeroed: Bool) -> Tensor {
        let (n, f) = shape
        let current = buffer.shape
        return take(&buffer, shape: current.equals(n, f) ? current : [n, f], zeroed: zeroed)
    }
}

extension Array where Element == Int {
    /// Whether this shape is [a, b], without building an array to compare with.
    func equals(_ a: Int, _ b: Int) -> Bool { count == 2 && self[0] == a && self[1] == b }

    /// Whether this shape is [a, b, c, d], without building an array to compare with.
    func equals(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Bool {
        count == 4 && self[0] == a && self[1] == b && self[2] == c && self[3] == d
    }
}
