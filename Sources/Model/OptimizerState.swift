/// A failure to restore optimizer state: the named tensors do not fit this optimizer.
public struct OptimizerStateError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Per-parameter optimizer state shared by every `Optimizer`: named slots (`exp_avg`, ...) created
/// lazily the first time a parameter is stepped, keyed `<parameter name>.<slot>` as in PyTorch's
/// state dict, plus the number of steps taken, saved as the 1-element tensor `step`.
///
/// The step count is saved as float32, exact up to 2^24 (16 777 216) steps.
struct OptimizerState {
    /// The optimizer's name and the slots it may hold, for error messages and `load`.
    let optimizer: String
    let slots: [String]
    private(set) var tensors: [String: Tensor] = [:]
    var step = 0
    /// Per parameter object, the name its keys were built from and `<name>.<slot>` for every slot:
    /// a step then builds no strings, and a renamed parameter gets keys of its new name.
    private var keys: [ObjectIdentifier: (name: String, keys: [String])] = [:]

    init(optimizer: String, slots: [String]) {
        self.optimizer = optimizer
        self.slots = slots
    }

    /// Removes and returns the slot tensor of `parameter` (a fresh zero tensor if it does not
    /// exist yet), so the caller mutates it without a copy and hands it back with `put`.
    mutating func take(_ slot: String, of parameter: Parameter) -> (tensor: Tensor, isNew: Bool) {
        let key = self.key(slot, of: parameter)
        guard let tensor = tensors.removeValue(forKey: key) else {
            return (Tensor(zeros: parameter.value.shape), true)
        }
        precondition(
            tensor.shape == parameter.value.shape,
            "\(optimizer) state '\(key)' has shape \(tensor.shape) but the parameter has shape "
                + "\(parameter.value.shape) (state restored from a different network?)")
        return (tensor, false)
    }

    mutating func put(_ tensor: Tensor, _ slot: String, of parameter: Parameter) {
        tensors[key(slot, of: parameter)] = tensor
    }

    /// `<parameter name>.<slot>`, the state key of `slot` for `parameter`.
    private mutating func key(_ slot: String, of parameter: Parameter) -> String {
        guard let index = slots.firstIndex(of: slot) else {
            preconditionFailure("\(optimizer) has no state slot '\(slot)'; its slots are \(slots)")
        }
        let id = ObjectIdentifier(parameter)
        if let cached = keys[id], cached.name == parameter.name { return cached.keys[index] }
        let built = slots.map { parameter.name + "." + $0 }
        keys[id] = (parameter.name, built)
        return built[index]
    }

    /// All state as named tensors, including `step`.
    func export() -> [String: Tensor] {
        var result = tensors
        result["step"] = Tensor(shape: [1], storage: [Float(step)])
        return result
    }

    /// Replaces all state with `named`, which must hold `step` and only `<parameter>.<slot>` keys
    /// with this optimizer's slots.
    mutating func load(_ named: [String: Tensor]) throws {
        guard let stepTensor = named["step"] else {
            throw OptimizerStateError(
                "\(optimizer) state: expected a 'step' tensor, found keys "
                    + "\(named.keys.sorted())")
        }
        guard stepTensor.count == 1, let value = stepTensor.storage.first, value >= 0,
            value.rounded() == value,
            value <= 16_777_216
        else {
            throw OptimizerStateError(
                "\(optimizer) state: 'step' must be one non-negative integer, found "
                    + "shape \(stepTensor.shape) values \(stepTensor.storage.prefix(4))")
        }
        var loaded: [String: Tensor] = [:]
        for (key, tensor) in named where key != "step" {
            guard let dot = key.lastIndex(of: "."), dot != key.startIndex,
                slots.contains(String(key[key.index(after: dot)...]))
            else {
                throw OptimizerStateError(
                    "\(optimizer) state: unexpected key '\(key)'; expected 'step' or "
                        + "'<parameter>.<slot>' with slot one of \(slots)")
            }
            loaded[key] = tensor
        }
        tensors = loaded
        step = Int(value)
    }
}

extension Parameter {
    /// Runs `body` over the value (mutable) and gradient buffers, which have equal counts.
    func withValueAndGradient(_ body: (UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>) -> Void)
    {
        precondition(
            value.shape == grad.shape,
            "parameter '\(name)' value shape \(value.shape) differs from gradient shape \(grad.shape)")
        grad.storage.withUnsafeBufferPointer { g in
            value.storage.withUnsafeMutableBufferPointer { w in body(w, g) }
        }
    }
}
