/// Max subsampling over k×k windows.
///
/// Tie rule: among equal maxima the FIRST one in row-major window order wins (a strict `>` scan),
/// and backward routes the whole gradient to it. Padded cells never win (they are skipped, not
/// treated as −∞ or 0), so `padding` must be smaller than the kernel. Overlapping windows
/// (stride < kernel) add their gradients into shared input cells.
public final class MaxPool2D: Layer {
    public let kernel: Int, stride: Int, padding: Int
    private var inputShape: [Int] = []
    /// For each output cell, the flat input index of its winning cell.
    private var argmax: [Int32] = []
    private var outputBuffer = Tensor.empty, gradInputBuffer = Tensor.empty

    public var kind: String { "max pool \(kernel)×\(kernel)" }

    public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        let stride = stride ?? kernel
        precondition(kernel > 0 && stride > 0 && padding >= 0 && padding < kernel,
                     "MaxPool2D needs kernel > 0, stride > 0, 0 ≤ padding < kernel; got \(kernel), \(stride), \(padding)")
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    public func outputSize(height: Int, width: Int) -> (Int, Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    // Forward: x [N, C, H, W] → y [N, C, oH, oW], y = max over the window's real cells.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 4, "MaxPool2D expects [N, C, H, W], got \(input.shape)")
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "MaxPool2D window \(kernel)×\(kernel) larger than input \(input.shape)")
        inputShape = input.shape
        var output = Tensor.take(&outputBuffer, shape: [n, c, oh, ow], zeroed: false)
        if argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        let planeSize = h * w
        input.storage.withUnsafeBufferPointer { x in
            output.storage.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { arg in
                    if kernel == 2 && stride == 2 && padding == 0 {
                        maxPool2x2(x.baseAddress!, planes: n * c, height: h, width: w, outHeight: oh, outWidth: ow,
                                   into: y.baseAddress!, argmax: arg.baseAddress!)
                        return
                    }
                    var o = 0
                    for plane in 0..<(n * c) {
                        let base = plane * planeSize
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                var best = -Float.infinity, bestIndex = -1
                                for ki in 0..<kernel {
                                    let iy = oy * stride - padding + ki
                                    guard iy >= 0 && iy < h else { continue }
                                    for kj in 0..<kernel {
                                        let ix = ox * stride - padding + kj
                                        guard ix >= 0 && ix < w else { continue }
                                        let v = x[base + iy * w + ix]
                                        if bestIndex < 0 || v > best { best = v; bestIndex = base + iy * w + ix }
                                    }
                                }
                                y[o] = best
                                arg[o] = Int32(bestIndex)
                                o += 1
                            }
                        }
                    }
                }
            }
        }
        outputBuffer = output
        return output
    }

    // Backward: dy [N, C, oH, oW] → dx [N, C, H, W]; each dy goes to its window's recorded argmax.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.count == argmax.count,
                     "MaxPool2D backward expects \(argmax.count) gradients, got shape \(gradOutput.shape)")
        var gradInput = Tensor.take(&gradInputBuffer, shape: inputShape, zeroed: true)
        gradOutput.storage.withUnsafeBufferPointer { dy in
            gradInput.storage.withUnsafeMutableBufferPointer { dx in
                for (o, index) in argmax.enumerated() { dx[Int(index)] += dy[o] }
            }
        }
        gradInputBuffer = gradInput
        return gradInput
    }

    /// The common 2×2, stride 2, unpadded case of `forward` without bounds tests: the same
    /// comparisons in the same order (first maximum in row-major window order wins ties).
    private func maxPool2x2(_ x: UnsafePointer<Float>, planes: Int, height h: Int, width w: Int, outHeight oh: Int,
                            outWidth ow: Int, into y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
        var o = 0
        for plane in 0..<planes {
            let base = plane * h * w
            for oy in 0..<oh {
                let top = base + 2 * oy * w
                for ox in 0..<ow {
                    let i0 = top + 2 * ox, i1 = i0 + 1, i2 = i0 + w, i3 = i2 + 1
                    var best = x[i0], bestIndex = i0
                    if x[i1] > best { best = x[i1]; bestIndex = i1 }
                    if x[i2] > best { best = x[i2]; bestIndex = i2 }
                    if x[i3] > best { best = x[i3]; bestIndex = i3 }
                    y[o] = best
                    argmax[o] = Int32(bestIndex)
                    o += 1
                }
            }
        }
    }

    public func replica() -> Layer { MaxPool2D(kernel: kernel, stride: stride, padding: padding) }
}
