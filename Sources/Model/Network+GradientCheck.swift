import WorkbenchRandom

/// Whole-network gradient checking on real samples (what `workbench gradcheck` runs).
extension Network {
    public typealias LayerGradientError = GradientCheck.LayerReport
    public typealias GradientReport = GradientCheck.Report

    /// Checks backpropagation through every layer on a few real samples, in training mode, on a
    /// replica (this network's weights and running statistics are not touched).
    ///
    /// See `GradientCheck.check(layers:...)` for the criterion: central differences of the
    /// linearised loss in Double, coordinates whose steps cross a ReLU/ELU sign or max-pool winner
    /// change skipped (and counted), float32 noise measured and used as the error's floor.
    /// Dropout masks come from `rng` and stay fixed during the check.
    public func gradientCheck(images: [Float], labels: [Int], loss: Loss, rng: SplitMix64,
                              steps: [Float] = GradientCheck.defaultSteps, tolerance: Double = 1e-2,
                              maxEntries: Int = 16) -> GradientReport {
        let n = labels.count
        precondition(n > 0 && images.count == n * inputSize,
                     "gradientCheck: \(n) labels need \(n * inputSize) floats of \(inputShape), got \(images.count)")
        let net = replica()
        let context = ForwardContext(training: true, random: rng.derived(RandomStream.dropout.rawValue))
        return GradientCheck.check(
            layers: net.layers, kinds: specs.map(\.kind), input: Tensor(shape: [n] + inputShape, storage: images),
            labels: labels, loss: loss, context: context, rng: rng, steps: steps, tolerance: tolerance,
            maxEntries: maxEntries)
    }
}
