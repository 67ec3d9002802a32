/// Restoring optimizer state with a check against the parameters it will be used with.
extension Optimizer {
    /// Loads `tensors` (e.g. read from the file `source`) after checking that every
    /// `<parameter>.<slot>` tensor names one of `parameters` and has its shape, so state saved for
    /// another network throws here instead of trapping at the next step.
    public func loadState(
        _ tensors: [String: Tensor], checkingAgainst parameters: [Parameter], source: String
    )
        throws
    {
        let shapes = Dictionary(
            parameters.map { ($0.name, $0.value.shape) }, uniquingKeysWith: { first, _ in first })
        for (key, tensor) in tensors.sorted(by: { $0.key < $1.key }) where key != "step" {
            let owner = key.lastIndex(of: ".").map { String(key[..<$0]) } ?? key
            guard let shape = shapes[owner] else {
                throw OptimizerStateError("\(source): state '\(key)' belongs to no parameter of the network")
            }
            guard shape == tensor.shape else {
                throw OptimizerStateError(
                    "\(source): state '\(key)' has shape \(tensor.shape), parameter '\(owner)' has \(shape)")
            }
        }
        do {
            try loadState(tensors)
        } catch let error as OptimizerStateError {
            throw OptimizerStateError("\(source): \(error.description)")
        }
    }
}
