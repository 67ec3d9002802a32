import WorkbenchRandom

/// Fills a tensor with one value (zeros for biases by default); draws nothing from the generator,
/// so using it never shifts the stream of the initialisers after it.
public struct ConstantInitializer: WeightInitializer, Equatable, Sendable {
    public var value: Float

    public init(_ value: Float) { self.value = value }

    public func fill(_ tensor: inout Tensor, fanIn: Int, fanOut: Int, rng: inout SplitMix64) {
        for i in tensor.storage.indices { tensor.storage[i] = value }
    }
}

extension WeightInitializer where Self == ConstantInitializer {
    /// All zeros: the usual bias initialiser.
    public static var zeros: Self { .init(0) }
    public static func constant(_ value: Float) -> Self { .init(value) }
}
