/// Moving parameter values to and from name → tensor maps (the contents of weight files).
extension Array where Element == Parameter {
    /// The values by parameter name, as written to a weights file.
    public var namedValues: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for parameter in self {
            precondition(result[parameter.name] == nil, "two parameters are named '\(parameter.name)'")
            result[parameter.name] = parameter.value
        }
        return result
    }

    /// Sets every parameter's value from `tensors` (e.g. read from the weights file `source`).
    /// Throws, changing nothing, when a parameter is missing, a tensor belongs to no parameter, or
    /// a shape differs.
    public func assignValues(from tensors: [String: Tensor], source: String) throws {
        let names = Set(map(\.name))
        let missing = names.subtracting(tensors.keys).sorted()
        guard missing.isEmpty else {
            throw WeightsError(path: source, "missing tensors \(missing) expected by the network")
        }
        let unexpected = Set(tensors.keys).subtracting(names).sorted()
        guard unexpected.isEmpty else {
            throw WeightsError(
                path: source,
                "tensors \(unexpected) belong to no parameter of the network "
                    + "(expected \(names.sorted()))")
        }
        for parameter in self where tensors[parameter.name]!.shape != parameter.value.shape {
            throw WeightsError(
                path: source,
                "tensor '\(parameter.name)' has shape \(tensors[parameter.name]!.shape), "
                    + "the network expects \(parameter.value.shape)")
        }
        for parameter in self { parameter.value = tensors[parameter.name]! }
    }
}
