/// Errors from user-supplied network descriptions and weight files (thrown, not trapped: they come
/// from configuration and files, not from programmer mistakes).
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A layer spec that cannot be built: `layer 5 (dense) expects 400 inputs, the previous layer gives 256`.
    case invalidLayer(index: Int, kind: String, reason: String)
    /// The network's input shape is not [C, H, W] with positive sizes.
    case invalidInputShape([Int])
    /// A named tensor has the wrong shape.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A tensor the network needs is absent.
    case missingTensor(name: String)
    /// A tensor the network does not have was given.
    case unexpectedTensor(name: String)

    public var description: String {
        switch self {
        case .invalidLayer(let index, let kind, let reason): return "layer \(index) (\(kind)) \(reason)"
        case .invalidInputShape(let shape):
            return "network input shape must be [C, H, W] with positive sizes, got \(shape)"
        case .shapeMismatch(let name, let expected, let found):
            return "tensor \(name): expected shape \(expected), found \(found)"
        case .missingTensor(let name): return "tensor \(name) is missing"
        case .unexpectedTensor(let name): return "tensor \(name) does not belong to this network"
        }
    }
}
