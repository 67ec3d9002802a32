/// Scales all gradients together so that their global L2 norm is at most `maxNorm` (Pascanu,
/// Mikolov & Bengio 2013), as PyTorch's `clip_grad_norm_`: the scale is maxNorm / (norm + 1e-6),
/// applied only when it is below 1.
///
/// Returns the norm before clipping (accumulated in Double). If that norm is not finite the
/// gradients are left untouched, so the caller can see the NaN/∞ and stop instead of training on
/// garbage.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive, got \(maxNorm)")
    var sumOfSquares = 0.0
    for parameter in parameters {
        for g in parameter.grad.storage { sumOfSquares += Double(g) * Double(g) }
    }
    let norm = sumOfSquares.squareRoot()
    let scale = Double(maxNorm) / (norm + 1e-6)
    if norm.isFinite && scale < 1 {
        for parameter in parameters {
            parameter.grad.storage.withUnsafeMutableBufferPointer { g in
                for i in 0..<g.count { g[i] = Float(Double(g[i]) * scale) }
            }
        }
    }
    return Float(norm)
}
