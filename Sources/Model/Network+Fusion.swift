extension Network {
    /// Lets each 2×2 stride-2 max pool that directly follows a ReLU apply that ReLU itself.
    ///
    /// max over a window of max(x, 0) equals max(0, max over the window of x), so the pool can
    /// rectify its output (a quarter of the elements) and the ReLU can pass its input through: one
    /// full read and write of the largest activation less in forward and in backward. Outputs and
    /// gradients are bit for bit those of the two layers run separately (the pool routes dy to the
    /// same cell; a window with no positive cell gives its first cell dy·0, as the ReLU's derivative
    /// would), for every input without NaN. Layer by layer the pair still reads as ReLU then pool:
    /// the ReLU's output is then its input, which only the pool sees.
    static func fuseReLUIntoMaxPool(_ layers: [Layer]) {
        for (first, second) in zip(layers, layers.dropFirst()) {
            guard let relu = first as? ActivationLayer, relu.activation == .relu,
                  let pool = second as? MaxPool2D, pool.isPairPool else { continue }
            relu.isAppliedByNextLayer = true
            pool.appliesReLU = true
        }
    }
}
