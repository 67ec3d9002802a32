import WorkbenchRandom

/// Whole-network gradient checking on real samples (what `workbench gradcheck` runs).
extension Network {
    /// The largest finite-difference errors found for one layer.
    public struct LayerGradientError: Equatable, Sendable {
        public var index: Int
        public var kind: String
        /// Largest error of dL/d(layer input).
        public var input: Double
        /// Largest error over the layer's parameters (0 if it has none).
        public var parameters: Double
        public var maximum: Double { max(input, parameters) }
    }

    /// The result of `gradientCheck`: one row per layer, plus the loss's own output gradient.
    public struct GradientReport: Equatable, Sendable {
        public var layers: [LayerGradientError]
        /// Largest error of dLoss/d(network output).
        public var loss: Double
        public var maximum: Double { layers.map(\.maximum).reduce(loss, max) }
    }

    /// Checks backpropagation through every layer on a few real samples, in training mode, on a
    /// replica (this network's weights and running statistics are not touched).
    ///
    /// With g = dLoss/d(output) at the samples, each layer is checked on the linearised loss Σ g·y
    /// (sums in Double): dL/d(layer input) and dL/d(parameters) against central differences, for at
    /// most `maxEntries` entries per tensor chosen by `rng`. The loss's own gradient g is checked
    /// separately against differences of the summed per-sample losses. Errors are
    /// |a − n| / max(|a|, |n|, floor).
    ///
    /// The network runs in float32, so no single step suits every entry: a large step suffers
    /// truncation error where the function curves (e.g. weights feeding batch norm), a small one
    /// suffers float32 rounding of the forward pass. Each entry is therefore differenced with every
    /// step in `steps` and the best agreement is kept; a wrong gradient disagrees at every step.
    /// Kinks (ReLU at 0, max-pool near-ties) can still give isolated large errors on real data;
    /// expect values ≲ 1e-2 for a correct network.
    public func gradientCheck(images: [Float], labels: [Int], loss: Loss, rng: SplitMix64,
                              steps: [Float] = [3e-2, 1e-2, 3e-3], floor: Double = 1e-3,
                              maxEntries: Int = 16) -> GradientReport {
        let n = labels.count
        precondition(n > 0 && images.count == n * inputSize,
                     "gradientCheck: \(n) labels need \(n * inputSize) floats of \(inputShape), got \(images.count)")
        let net = replica()
        var rng = rng
        let context = ForwardContext(training: true, random: rng.derived(RandomStream.dropout.rawValue))
        // Activations: acts[i] is the input of layer i; acts[count] the output.
        var acts = [Tensor(shape: [n] + inputShape, storage: images)]
        for i in net.layers.indices {
            var c = context
            c.layerIndex = i
            acts.append(net.layers[i].forward(acts[i], context: c))
        }
        let output = acts[net.layers.count]
        var g = Tensor(zeros: output.shape)
        _ = loss.perSampleLoss(output, labels: labels[...], gradient: &g)

        /// Smallest error over the steps of central differences of `f` around `saved`, where `set`
        /// writes the probed value (it is restored after).
        func bestError(analytic: Float, at saved: Float, set: (Float) -> Void, _ f: () -> Double) -> Double {
            var best = Double.infinity
            for h in steps {
                set(saved + h)
                let plus = f()
                set(saved - h)
                let minus = f()
                set(saved)
                let numeric = (plus - minus) / (Double(saved + h) - Double(saved - h))
                best = min(best, GradientCheck.relativeError(analytic: Double(analytic), numeric: numeric, floor: floor))
            }
            return best
        }

        // Loss: dLoss/d(output) against differences of Σ per-sample losses.
        var scratch = Tensor(zeros: output.shape)
        var lossError = 0.0
        for i in GradientCheck.chooseIndices(count: output.count, maxEntries: maxEntries, rng: &rng) {
            var y = output
            lossError = max(lossError, bestError(analytic: g.storage[i], at: output.storage[i], set: { y.storage[i] = $0 }) {
                loss.perSampleLoss(y, labels: labels[...], gradient: &scratch).reduce(0.0) { $0 + Double($1) }
            })
        }

        // Analytic gradients for every layer input and parameter from one backward pass.
        net.zeroGradients()
        var inputGradients = [Tensor](repeating: Tensor(zeros: [0]), count: net.layers.count)
        var upstream = g
        for i in net.layers.indices.reversed() {
            upstream = net.layers[i].backward(upstream)
            inputGradients[i] = upstream
        }
        let parameterGradients = net.layers.map { $0.parameters.map(\.grad) }

        func linearised(from start: Int, input: Tensor) -> Double {
            let y = net.forward(input, fromLayer: start, context: context)
            var sum = 0.0
            for i in 0..<y.count { sum += Double(y.storage[i]) * Double(g.storage[i]) }
            return sum
        }
        var rows: [LayerGradientError] = []
        for (index, layer) in net.layers.enumerated() {
            var row = LayerGradientError(index: index, kind: specs[index].kind, input: 0, parameters: 0)
            var x = acts[index]
            for i in GradientCheck.chooseIndices(count: x.count, maxEntries: maxEntries, rng: &rng) {
                row.input = max(row.input, bestError(analytic: inputGradients[index].storage[i], at: x.storage[i],
                                                           set: { x.storage[i] = $0 }) {
                    linearised(from: index, input: x)
                })
            }
            for (p, analytic) in zip(layer.parameters, parameterGradients[index]) {
                for i in GradientCheck.chooseIndices(count: p.value.count, maxEntries: maxEntries, rng: &rng) {
                    row.parameters = max(row.parameters, bestError(analytic: analytic.storage[i], at: p.value.storage[i],
                                                                     set: { p.value.storage[i] = $0 }) {
                        linearised(from: index, input: acts[index])
                    })
                }
            }
            rows.append(row)
        }
        return GradientReport(layers: rows, loss: lossError)
    }
}
