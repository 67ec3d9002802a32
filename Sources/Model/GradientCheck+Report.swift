/// What a whole-network gradient check found (see `GradientCheck.check(layers:...)` and
/// docs/gradient-check.md).
extension GradientCheck {
    /// The largest finite-difference errors found for one layer, and how many coordinates were
    /// compared (checked) or left out because every step crossed a kink (skipped).
    public struct LayerReport: Equatable, Sendable {
        public var index: Int
        public var kind: String
        /// Largest error of dL/d(layer input).
        public var input: Double
        /// Largest error over the layer's parameters (0 if it has none).
        public var parameters: Double
        /// Coordinates (of the input and of the parameters) compared against central differences.
        public var checked: Int
        /// Probed coordinates left out because every step changed a ReLU/ELU sign or max-pool winner.
        public var skipped: Int
        public var maximum: Double { max(input, parameters) }
    }

    /// The result of a whole-network check: one row per layer, the loss's own output gradient, and
    /// the verdict for the tolerance the check ran with.
    public struct Report: Equatable, Sendable {
        public var layers: [LayerReport]
        /// Largest error of dLoss/d(network output).
        public var loss: Double
        /// The tolerance the errors were computed for (it also sets the noise floor, see the docs).
        public var tolerance: Double
        public var maximum: Double { layers.map(\.maximum).reduce(loss, max) }

        /// Reasons the check cannot pass: a layer where nothing could be checked.
        public var unchecked: [String] {
            layers.filter { $0.checked == 0 }.map {
                "layer \($0.index) (\($0.kind)): all \($0.skipped) probed coordinates crossed a kink, nothing checked"
            }
        }

        /// Layers where more probed coordinates were skipped than checked (the check there is thin).
        public var mostlySkipped: [String] {
            layers.filter { $0.checked > 0 && $0.skipped > $0.checked }.map {
                "layer \($0.index) (\($0.kind)): \($0.skipped) of \($0.checked + $0.skipped) probed coordinates "
                    + "crossed a kink and were skipped"
            }
        }

        /// True when every layer had coordinates checked and every error is within the tolerance.
        public var passed: Bool { unchecked.isEmpty && maximum <= tolerance }
    }
}
