/// Max subsampling over k×k windows.
///
/// Tie rule: among equal maxima the FIRST one in row-major window order wins (a strict `>` scan),
/// and backward routes the whole gradient to it. Padded cells never win (they are skipped, not
/// treated as −∞ or 0), so `padding` must be smaller than the kernel. Overlapping windows
/// (stride < kernel) add their gradients into shared input cells.
public final class MaxPool2D: Layer {
    public let kernel: Int, stride: Int, padding: Int
    private var inputShape: [Int] = []
    /// For each output cell, the flat input index of its winning cell (general path).
    private var argmax: [Int32] = []
    /// For each output cell, its winner's place in the 2×2 window (0 top left … 3 bottom right;
    /// 4 when `appliesReLU` clamped the output to 0).
    private var windowCells: [UInt8] = []
    /// Set by `Network` when a ReLU directly precedes this 2×2 stride-2 pool: the ReLU then passes
    /// its input through and this pool outputs max(0, max of window) — the same value as the max of
    /// the rectified window — and routes the gradient as ReLU-then-pool would (see
    /// `Network.fuseReLUIntoMaxPool`).
    public internal(set) var appliesReLU = false
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
        var output = Tensor.take(&outputBuffer, shape: (n, c, oh, ow), zeroed: false)
        if isPairPool {
            if windowCells.count != output.count { windowCells = [UInt8](repeating: 0, count: output.count) }
            input.storage.withUnsafeBufferPointer { x in
                output.storage.withUnsafeMutableBufferPointer { y in
                    windowCells.withUnsafeMutableBufferPointer { cell in
                        Self.maxPool2x2(x.baseAddress!, planes: n * c, height: h, width: w, outHeight: oh,
                                        outWidth: ow, into: y.baseAddress!, cells: cell.baseAddress!,
                                        rectify: appliesReLU)
                    }
                }
            }
            outputBuffer = output
            return output
        }
        if argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        let planeSize = h * w
        input.storage.withUnsafeBufferPointer { x in
            output.storage.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { arg in
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
        let outputs = isPairPool ? windowCells.count : argmax.count
        precondition(gradOutput.count == outputs,
                     "MaxPool2D backward expects \(outputs) gradients, got shape \(gradOutput.shape)")
        if isPairPool {
            let (h, w) = (inputShape[2], inputShape[3])
            // Even sizes: the windows tile the plane and every dx cell is written, so no zero fill.
            var gradInput = Tensor.take(&gradInputBuffer, shape: inputShape, zeroed: h % 2 != 0 || w % 2 != 0)
            gradOutput.storage.withUnsafeBufferPointer { dy in
                gradInput.storage.withUnsafeMutableBufferPointer { dx in
                    windowCells.withUnsafeBufferPointer { cell in
                        Self.unpool2x2(dy.baseAddress!, cells: cell.baseAddress!,
                                       planes: inputShape[0] * inputShape[1], height: h, width: w,
                                       into: dx.baseAddress!)
                    }
                }
            }
            gradInputBuffer = gradInput
            return gradInput
        }
        var gradInput = Tensor.take(&gradInputBuffer, shape: inputShape, zeroed: true)
        gradOutput.storage.withUnsafeBufferPointer { dy in
            gradInput.storage.withUnsafeMutableBufferPointer { dx in
                for (o, index) in argmax.enumerated() { dx[Int(index)] += dy[o] }
            }
        }
        gradInputBuffer = gradInput
        return gradInput
    }

    /// The common 2×2, stride 2, unpadded case.
    var isPairPool: Bool { kernel == 2 && stride == 2 && padding == 0 }

    /// 2×2 stride-2 forward on SIMD vectors of four windows: the same strict `>` comparisons in the
    /// same order as the general path (cells a b / c d; the first maximum in row-major order wins
    /// ties; a NaN never replaces the current best). Stores the winner's window cell (0 a, 1 b, 2 c,
    /// 3 d) instead of a flat index. A row whose width is not a multiple of four ends with a block
    /// that overlaps the previous one (it recomputes the same values).
    ///
    /// With `rectify`, a window whose maximum is not > 0 outputs +0 and cell 4: exactly the output
    /// of max-pooling max(x, 0) (a window of rectified zeros gives +0; otherwise the first positive
    /// maximum is the first maximum). Only a NaN cell can make the two differ.
    private static func maxPool2x2(_ x: UnsafePointer<Float>, planes: Int, height h: Int, width w: Int,
                                   outHeight oh: Int, outWidth ow: Int, into y: UnsafeMutablePointer<Float>,
                                   cells: UnsafeMutablePointer<UInt8>, rectify: Bool) {
        for plane in 0..<planes {
            for oy in 0..<oh {
                let top = x + plane * h * w + 2 * oy * w, bottom = top + w
                let row = (plane * oh + oy) * ow
                guard ow >= 4 else {
                    for ox in 0..<ow {
                        let a = top[2 * ox], b = top[2 * ox + 1], c = bottom[2 * ox], d = bottom[2 * ox + 1]
                        var best = a, winner: UInt8 = 0
                        if b > best { best = b; winner = 1 }
                        if c > best { best = c; winner = 2 }
                        if d > best { best = d; winner = 3 }
                        if rectify && !(best > 0) { best = 0; winner = 4 }
                        y[row + ox] = best
                        cells[row + ox] = winner
                    }
                    continue
                }
                var ox = 0
                while true {
                    let upper = UnsafeRawPointer(top + 2 * ox).loadUnaligned(as: SIMD8<Float>.self)
                    let lower = UnsafeRawPointer(bottom + 2 * ox).loadUnaligned(as: SIMD8<Float>.self)
                    var best = upper.evenHalf, winner = SIMD4<Int32>(repeating: 0)
                    let b = upper.oddHalf, c = lower.evenHalf, d = lower.oddHalf
                    let bWins = b .> best
                    best.replace(with: b, where: bWins)
                    winner.replace(with: 1, where: bWins)
                    let cWins = c .> best
                    best.replace(with: c, where: cWins)
                    winner.replace(with: 2, where: cWins)
                    let dWins = d .> best
                    best.replace(with: d, where: dWins)
                    winner.replace(with: 3, where: dWins)
                    if rectify {
                        let clamped = .!(best .> 0)
                        best.replace(with: 0, where: clamped)
                        winner.replace(with: 4, where: clamped)
                    }
                    UnsafeMutableRawPointer(y + row + ox).storeBytes(of: best, as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(cells + row + ox)
                        .storeBytes(of: SIMD4<UInt8>(truncatingIfNeeded: winner), as: SIMD4<UInt8>.self)
                    if ox == ow - 4 { break }
                    ox = min(ox + 4, ow - 4)
                }
            }
        }
    }

    /// 2×2 stride-2 backward: writes every cell of each window (dy at the winner, 0 elsewhere), four
    /// windows at a time like the forward. With an odd height or width the last row or column
    /// belongs to no window; `dx` arrives zeroed then. Cell 4 (clamped by the fused ReLU) gives the
    /// first cell dy·0, as ReLU-then-pool does (the pool picks the first of four zeros, the ReLU
    /// multiplies by its derivative 0).
    private static func unpool2x2(_ dy: UnsafePointer<Float>, cells: UnsafePointer<UInt8>, planes: Int,
                                  height h: Int, width w: Int, into dx: UnsafeMutablePointer<Float>) {
        let oh = h / 2, ow = w / 2
        for plane in 0..<planes {
            for oy in 0..<oh {
                let top = dx + plane * h * w + 2 * oy * w, bottom = top + w
                let row = (plane * oh + oy) * ow
                guard ow >= 4 else {
                    for ox in 0..<ow {
                        var v = dy[row + ox], k = cells[row + ox]
                        if k == 4 { v = v * 0; k = 0 }
                        top[2 * ox] = k == 0 ? v : 0
                        top[2 * ox + 1] = k == 1 ? v : 0
                        bottom[2 * ox] = k == 2 ? v : 0
                        bottom[2 * ox + 1] = k == 3 ? v : 0
                    }
                    continue
                }
                var ox = 0
                while true {
                    var g = UnsafeRawPointer(dy + row + ox).loadUnaligned(as: SIMD4<Float>.self)
                    var k = SIMD4<Int32>(truncatingIfNeeded:
                        UnsafeRawPointer(cells + row + ox).loadUnaligned(as: SIMD4<UInt8>.self))
                    let clamped = k .== 4
                    g.replace(with: g * 0, where: clamped)
                    k.replace(with: 0, where: clamped)
                    let zero = SIMD4<Float>(repeating: 0)
                    let a = zero.replacing(with: g, where: k .== 0), b = zero.replacing(with: g, where: k .== 1)
                    let c = zero.replacing(with: g, where: k .== 2), d = zero.replacing(with: g, where: k .== 3)
                    UnsafeMutableRawPointer(top + 2 * ox).storeBytes(
                        of: SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]), as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(bottom + 2 * ox).storeBytes(
                        of: SIMD8(c[0], d[0], c[1], d[1], c[2], d[2], c[3], d[3]), as: SIMD8<Float>.self)
                    if ox == ow - 4 { break }
                    ox = min(ox + 4, ow - 4)
                }
            }
        }
    }

    public func replica() -> Layer { MaxPool2D(kernel: kernel, stride: stride, padding: padding) }
}
