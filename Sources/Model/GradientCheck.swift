import WorkbenchRandom

/// Finite-difference gradient checking: compares backpropagated gradients with central differences
/// (f(x + h) − f(x − h)) / 2h, the loss accumulated in Double so float32 rounding stays below the
/// difference being measured.
///
/// Error per entry is |a − n| / max(|a|, |n|, floor): relative where gradients are large, absolute
/// (scaled by `floor`) where both are tiny. Non-smooth points (ReLU at 0, max-pool ties) give
/// meaningless differences; callers keep inputs away from them.
public enum GradientCheck {
    /// Largest errors found for one layer: w.r.t. its input, and per parameter name.
    public struct Result: Sendable {
        public var input: Double
        public var parameters: [String: Double]
        /// The largest of all.
        public var maximum: Double { parameters.values.reduce(input, max) }
    }

    /// Relative error |a − n| / max(|a|, |n|, floor).
    public static func relativeError(analytic a: Double, numeric n: Double, floor: Double) -> Double {
        abs(a - n) / max(abs(a), abs(n), floor)
    }

    /// Checks one layer on `input` with the scalar loss L = Σ r·y for a fixed random r (so every
    /// output gets a distinct upstream gradient). At most `maxEntries` entries per tensor are
    /// checked, chosen by `rng`; all of them when the tensor is smaller. Sets the
    /// layer's `needsInputGradient`, since the input gradient is checked too.
    public static func check(
        _ layer: Layer, input: Tensor, context: ForwardContext = ForwardContext(training: true),
        step h: Float = 1e-2, floor: Double = 1e-3, maxEntries: Int = 64, rng: inout SplitMix64
    ) -> Result {
        layer.needsInputGradient = true
        let probe = layer.forward(input, context: context)
        var upstream = Tensor(zeros: probe.shape)
        for i in 0..<upstream.count { upstream.storage[i] = rng.nextFloat(in: -1, 1) }
        let r = upstream
        func loss(_ x: Tensor) -> Double {
            let y = layer.forward(x, context: context)
            var sum = 0.0
            for i in 0..<y.count { sum += Double(y.storage[i]) * Double(r.storage[i]) }
            return sum
        }
        for p in layer.parameters { p.zeroGrad() }
        _ = layer.forward(input, context: context)
        let gradInput = layer.backward(r)
        let analyticParameters = layer.parameters.map(\.grad)

        var x = input
        var result = Result(input: 0, parameters: [:])
        for i in chooseIndices(count: input.count, maxEntries: maxEntries, rng: &rng) {
            let saved = x.storage[i]
            x.storage[i] = saved + h
            let plus = loss(x)
            x.storage[i] = saved - h
            let minus = loss(x)
            x.storage[i] = saved
            let numeric = (plus - minus) / (Double(saved + h) - Double(saved - h))
            result.input = max(result.input, relativeError(analytic: Double(gradInput.storage[i]),
                                                           numeric: numeric, floor: floor))
        }
        for (p, analytic) in zip(layer.parameters, analyticParameters) {
            var worst = 0.0
            for i in chooseIndices(count: p.value.count, maxEntries: maxEntries, rng: &rng) {
                let saved = p.value.storage[i]
                p.value.storage[i] = saved + h
                let plus = loss(input)
                p.value.storage[i] = saved - h
                let minus = loss(input)
                p.value.storage[i] = saved
                let numeric = (plus - minus) / (Double(saved + h) - Double(saved - h))
                worst = max(worst, relativeError(analytic: Double(analytic.storage[i]), numeric: numeric, floor: floor))
            }
            result.parameters[p.name] = worst
        }
        return result
    }

    static func chooseIndices(count: Int, maxEntries: Int, rng: inout SplitMix64) -> [Int] {
        if count <= maxEntries { return Array(0..<count) }
        return (0..<maxEntries).map { _ in rng.nextInt(below: count) }
    }
}
