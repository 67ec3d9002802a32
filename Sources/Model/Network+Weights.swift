/// Named parameters and buffers, and loading them back with shape checks.
extension Network {
    /// Every parameter and buffer by name (`layers.<i>.weight`, `layers.<i>.running_mean`, ...).
    public func namedTensors() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: (parameters + buffers).map { ($0.name, $0.value) })
    }

    /// Names in layer order (parameters and buffers of layer 0, then layer 1, ...).
    public var tensorNames: [String] { layers.flatMap { ($0.parameters + $0.buffers).map(\.name) } }

    /// Loads parameter and buffer values by name. Every tensor of the network must be present with
    /// its exact shape, and no other tensor may be given; nothing is changed unless all are valid.
    public func load(_ tensors: [String: Tensor]) throws {
        let targets = parameters + buffers
        for target in targets {
            guard let tensor = tensors[target.name] else { throw ModelError.missingTensor(name: target.name) }
            guard tensor.shape == target.value.shape else {
                throw ModelError.shapeMismatch(name: target.name, expected: target.value.shape, found: tensor.shape)
            }
        }
        let known = Set(targets.map(\.name))
        if let extra = tensors.keys.sorted().first(where: { !known.contains($0) }) {
            throw ModelError.unexpectedTensor(name: extra)
        }
        for target in targets { target.value = tensors[target.name]! }
        for case let conv as Conv2D in layers { conv.applyConnectionMask() }
    }
}
