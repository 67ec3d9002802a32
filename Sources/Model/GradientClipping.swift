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
    let norm = gradientSumOfSquares(parameters).squareRoot()
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

/// Σ g² over all gradients, in Double, accumulated in eight interleaved partial sums (element i of
/// the concatenated gradients goes to sum i mod 8, the sums are added pairwise at the end): a fixed
/// order, so the result depends only on the gradients, and the loop vectorises.
func gradientSumOfSquares(_ parameters: [Parameter]) -> Double {
    var lanes = SIMD8<Double>(repeating: 0)
    var lane = 0  // where the next parameter's first element goes
    for parameter in parameters {
        parameter.grad.storage.withUnsafeBufferPointer { g in
            var i = 0
            // Single elements until the next one falls on lane 0.
            while i < g.count && lane != 0 {
                let v = Double(g[i])
                lanes[lane] += v * v
                lane = (lane + 1) & 7
                i += 1
            }
            while i + 8 <= g.count {
                let v = SIMD8<Double>(UnsafeRawPointer(g.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self))
                lanes += v * v
                i += 8
            }
            while i < g.count {
                let v = Double(g[i])
                lanes[lane] += v * v
                lane = (lane + 1) & 7
                i += 1
            }
        }
    }
    let quarters = lanes.lowHalf + lanes.highHalf
    let halves = quarters.lowHalf + quarters.highHalf
    return halves[0] + halves[1]
}
