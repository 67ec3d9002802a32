import Foundation
import WorkbenchRandom

/// Whole-chain gradient checking: every layer of a feed-forward stack, on real samples, in float32,
/// with kinks and rounding noise handled explicitly (docs/gradient-check.md).
extension GradientCheck {
    /// Relative steps h/scale tried for each probed coordinate, largest first.
    public static let defaultSteps: [Float] = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3]

    /// Checks backpropagation through `layers` (run in order on `input` [N, ...], then `loss`).
    ///
    /// With g = dLoss/d(output) at the samples, layer l is checked on the linearised loss
    /// f(x) = Σ g·y(x), y = layers[l...](x), summed in Double: dL/d(input of l) and dL/d(parameters
    /// of l) from one backward pass against central differences n = (f(x + h) − f(x − h)) / (2h′),
    /// 2h′ = (x + h) − (x − h) as actually stored in float32. Up to `maxEntries` coordinates per
    /// tensor are checked (all when the tensor is that small), drawn by `rng`.
    ///
    /// - Kinks: for each step the ReLU/LeakyReLU/ELU signs and max-pool winners of layers l...
    ///   (`KinkPattern`) at x ± h must equal those at x, else the step is discarded; a coordinate
    ///   whose every step is discarded is skipped and another is drawn (at most 4·`maxEntries`
    ///   draws per tensor). Checked and skipped coordinates are counted per layer.
    /// - Steps: h = s·max(|xᵢ|, rms(x)) (s·1 when both are 0) for s in `steps`, largest first; the
    ///   smallest error over the usable steps is kept, stopping at the first within `tolerance`/10.
    ///   Large steps suffer curvature (batch norm, softmax), small ones rounding; a wrong gradient
    ///   disagrees at every step.
    /// - Noise: where no step agrees within `tolerance`/10, the float32 rounding noise σ of f at the
    ///   scale of each usable step is measured (Moré & Wild 2011, "Estimating computational noise"):
    ///   f at xᵢ + j·h/4, j = −8...8, σ² = mean((Δ⁴f)²) / 70, the variance of a fourth difference of
    ///   independent noise; accepted only when the differences change sign (else they are curvature,
    ///   and σ counts as 0). n then carries noise up to N = 6·√2·σ / 2h′: 4 standard deviations, times
    ///   1.5 because σ itself comes from only 5–13 correlated differences.
    /// - Analytic rounding: a is itself a float32 sum, so N also carries Nₐ = ε32 · Σ|dL/dy| ·
    ///   max(1, |layer input|∞, |parameters|∞), y the layer's output (a first-order rounding bound;
    ///   it matters only for gradients that are mathematically 0, e.g. a bias before batch norm).
    /// - Error: e = |a − n| / max(|a|, |n|, (N + Nₐ) / tolerance). So e ≤ tolerance means
    ///   |a − n| ≤ tolerance·max(|a|, |n|) (relative agreement) or |a − n| ≤ N + Nₐ (within what
    ///   float32 rounding can produce; such entries are too small to judge more finely). Steps whose
    ///   floor is below max(|a|, |n|) ("resolving") take precedence over noisier ones.
    ///
    /// The loss's own gradient g is checked against differences of Σ per-sample losses at absolute
    /// steps 3e-2, 1e-2, 3e-3 with floor 1e-3. Layers must run in training or evaluation mode as
    /// `context` says; parameters are perturbed in place and restored exactly. Every layer's
    /// `needsInputGradient` is set, so the first layer's input gradient is computed and checked too.
    public static func check(
        layers: [Layer], kinds: [String], input: Tensor, labels: [Int], loss: Loss, context: ForwardContext,
        rng: SplitMix64, steps: [Float] = defaultSteps, tolerance: Double = 1e-2, maxEntries: Int = 16
    ) -> Report {
        precondition(kinds.count == layers.count, "check: \(layers.count) layers but \(kinds.count) kinds")
        precondition(!steps.isEmpty && tolerance > 0 && maxEntries > 0,
                     "check: needs steps, tolerance > 0 and maxEntries > 0")
        var rng = rng
        // acts[i] is the input of layer i; acts[count] the output.
        var acts = [input]
        for layer in layers {
            layer.releaseInput()
            layer.needsInputGradient = true
        }
        var c = context
        for i in layers.indices {
            c.layerIndex = i
            acts.append(layers[i].forward(acts[i], context: c))
        }
        let output = acts[layers.count]
        var g = Tensor(zeros: output.shape)
        _ = loss.perSampleLoss(output, labels: labels[...], gradient: &g)
        let lossError = checkLoss(loss, output: output, labels: labels, gradient: g, maxEntries: maxEntries,
                                  rng: &rng)

        // Analytic gradients of every layer input and parameter from one backward pass.
        for layer in layers { for p in layer.parameters { p.zeroGrad() } }
        var inputGradients = [Tensor](repeating: .empty, count: layers.count)
        var upstream = g
        for i in layers.indices.reversed() {
            upstream = layers[i].backward(upstream)
            inputGradients[i] = upstream
        }
        let parameterGradients = layers.map { $0.parameters.map(\.grad) }

        var rows: [LayerReport] = []
        for (index, layer) in layers.enumerated() {
            let evaluate = { (x: Tensor) -> (Double, [[Int32]]) in
                let (y, patterns) = KinkPattern.forward(layers, from: index, input: x, context: context)
                var sum = 0.0
                for i in 0..<y.count { sum += Double(y.storage[i]) * Double(g.storage[i]) }
                return (sum, patterns)
            }
            var row = LayerReport(index: index, kind: kinds[index], input: 0, parameters: 0, checked: 0, skipped: 0)
            var x = acts[index]
            // Rounding of a float32 gradient sum: ε32 · Σ|dL/dy| · max(1, |layer input|, |parameters|).
            let gradOutput = index + 1 < layers.count ? inputGradients[index + 1] : g
            let magnitude = ([x] + layer.parameters.map(\.value)).reduce(Float(1)) { m, t in
                t.storage.reduce(m) { max($0, abs($1)) }
            }
            let analyticNoise = Double(Float.ulpOfOne) / 2 * Double(magnitude)
                * gradOutput.storage.reduce(0.0) { $0 + abs(Double($1)) }
            let inputProbe = TensorProbe(
                analytic: inputGradients[index], values: { x }, set: { x = $0 }, evaluate: { evaluate(x) },
                analyticNoise: analyticNoise)
            let inputResult = inputProbe.run(steps: steps, tolerance: tolerance, maxEntries: maxEntries, rng: &rng)
            row.input = inputResult.worst
            row.checked += inputResult.checked
            row.skipped += inputResult.skipped
            for (p, analytic) in zip(layer.parameters, parameterGradients[index]) {
                let probe = TensorProbe(analytic: analytic, values: { p.value }, set: { p.value = $0 },
                                        evaluate: { evaluate(acts[index]) }, analyticNoise: analyticNoise)
                let result = probe.run(steps: steps, tolerance: tolerance, maxEntries: maxEntries, rng: &rng)
                row.parameters = max(row.parameters, result.worst)
                row.checked += result.checked
                row.skipped += result.skipped
            }
            rows.append(row)
        }
        return Report(layers: rows, loss: lossError, tolerance: tolerance)
    }

    /// Largest error of dLoss/d(output) against differences of the summed per-sample losses.
    static func checkLoss(_ loss: Loss, output: Tensor, labels: [Int], gradient g: Tensor, maxEntries: Int,
                          rng: inout SplitMix64) -> Double {
        var scratch = Tensor(zeros: output.shape)
        var y = output
        func total() -> Double {
            loss.perSampleLoss(y, labels: labels[...], gradient: &scratch).reduce(0.0) { $0 + Double($1) }
        }
        var worst = 0.0
        for i in chooseIndices(count: output.count, maxEntries: maxEntries, rng: &rng) {
            let saved = y.storage[i]
            var best = Double.infinity
            for h: Float in [3e-2, 1e-2, 3e-3] {
                y.storage[i] = saved + h
                let plus = total()
                y.storage[i] = saved - h
                let minus = total()
                y.storage[i] = saved
                let numeric = (plus - minus) / (Double(saved + h) - Double(saved - h))
                best = min(best, relativeError(analytic: Double(g.storage[i]), numeric: numeric, floor: 1e-3))
            }
            worst = max(worst, best)
        }
        return worst
    }
}

/// One tensor under test (a layer input or a parameter): its analytic gradient, access to its
/// values, and the linearised loss with the kink patterns it produces.
struct TensorProbe {
    let analytic: Tensor
    let values: () -> Tensor
    let set: (Tensor) -> Void
    let evaluate: () -> (Double, [[Int32]])
    /// Float32 rounding allowed in the analytic gradient itself (see `check`).
    let analyticNoise: Double

    struct Result { var worst = 0.0, checked = 0, skipped = 0 }

    func run(steps: [Float], tolerance: Double, maxEntries: Int, rng: inout SplitMix64) -> Result {
        let original = values()
        let count = original.count
        var result = Result()
        guard count > 0 else { return result }
        let (baseValue, basePattern) = evaluate()
        let rms = Float((original.storage.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(count)).squareRoot())
        func scale(_ v: Float) -> Float {
            let s = max(abs(v), rms)
            return s > 0 ? s : 1
        }
        var x = original
        let exhaustive = count <= maxEntries
        let draws = exhaustive ? count : 4 * maxEntries
        var drawn = 0
        while result.checked < maxEntries && drawn < draws {
            let i = exhaustive ? drawn : rng.nextInt(below: count)
            drawn += 1
            let saved = original.storage[i]
            let a = Double(analytic.storage[i])
            /// f at xᵢ = `value` (restored after), or nil when a kink pattern differs from x's.
            func f(_ value: Float) -> Double? {
                x.storage[i] = value
                set(x)
                let (loss, pattern) = evaluate()
                x.storage[i] = saved
                set(x)
                return pattern == basePattern ? loss : nil
            }
            // Steps that crossed no kink: h, f(x − h), f(x + h).
            var usable: [(h: Float, minus: Double, plus: Double)] = []
            var best = Double.infinity
            for s in steps {
                let h = s * scale(saved)
                guard Double(saved + h) - Double(saved - h) > 0, let plus = f(saved + h), let minus = f(saved - h)
                else { continue }
                usable.append((h, minus, plus))
                let numeric = (plus - minus) / (Double(saved + h) - Double(saved - h))
                best = min(best, GradientCheck.relativeError(analytic: a, numeric: numeric, floor: .leastNormalMagnitude))
                if best <= tolerance / 10 { break }
            }
            guard !usable.isEmpty else {
                result.skipped += 1
                continue
            }
            // The noise floor can only lower an error, so noise is measured only where it matters.
            // Steps whose noise is below the tolerance's share of the gradient ("resolving" steps)
            // are preferred: a noisy step must not hide a disagreement that a clean step shows.
            if best > tolerance / 10 {
                var resolving = Double.infinity, noisy = Double.infinity
                for step in usable {
                    let sigma = noise(baseValue, step, saved: saved, f) ?? 0
                    let width = Double(saved + step.h) - Double(saved - step.h)
                    let numeric = (step.plus - step.minus) / width
                    let noiseBound = 6 * 2.0.squareRoot() * sigma / width + analyticNoise
                    let floor = max(noiseBound / tolerance, Double.leastNormalMagnitude)
                    let error = GradientCheck.relativeError(analytic: a, numeric: numeric, floor: floor)
                    if floor <= max(abs(a), abs(numeric)) {
                        resolving = min(resolving, error)
                    } else {
                        noisy = min(noisy, error)
                    }
                }
                best = resolving.isFinite ? resolving : noisy
            }
            result.checked += 1
            result.worst = max(result.worst, best)
        }
        set(original)
        return result
    }

    /// Standard deviation of the float32 rounding noise of f at the scale of step h, from the fourth
    /// differences of f at xᵢ + j·h/4, j = −8...8 (the outer ones up to the first kink) (Moré & Wild 2011, "Estimating computational
    /// noise"): for independent noise of variance σ², E[(Δ⁴f)²] = 70σ². Nil when a kink pattern
    /// changes inside [x − h, x + h], or when the differences do not change sign (then they measure
    /// the function's curvature, not noise).
    func noise(_ center: Double, _ step: (h: Float, minus: Double, plus: Double), saved: Float,
               _ f: (Float) -> Double?) -> Double? {
        // The inner points (within ±h) must exist; outer ones are used up to the first kink.
        var values: [Double] = [step.minus]
        for j in -3...3 {
            if j == 0 { values.append(center); continue }
            guard let value = f(saved + Float(j) * step.h / 4) else { return nil }
            values.append(value)
        }
        values.append(step.plus)
        for j in 5...8 {
            guard let value = f(saved - Float(j) * step.h / 4) else { break }
            values.insert(value, at: 0)
        }
        for j in 5...8 {
            guard let value = f(saved + Float(j) * step.h / 4) else { break }
            values.append(value)
        }
        var differences: [Double] = []
        for k in 0...(values.count - 5) {
            let outer: Double = values[k] + values[k + 4]
            let inner: Double = 4 * (values[k + 1] + values[k + 3])
            differences.append(outer - inner + 6 * values[k + 2])
        }
        guard differences.contains(where: { $0 > 0 }) && differences.contains(where: { $0 < 0 }) else { return nil }
        let squares: Double = differences.reduce(0) { $0 + $1 * $1 }
        return (squares / Double(differences.count) / 70).squareRoot()
    }
}
