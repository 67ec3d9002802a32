/// Average subsampling over k×k windows.
///
/// Divisor rule: with `countIncludePadding` (the default, like PyTorch's `count_include_pad=True`)
/// every window divides by k·k, padded zeros included; otherwise it divides by the number of real
/// cells in the window. Backward spreads each gradient with the same divisor; overlapping windows
/// accumulate.
public final class AvgPool2D: Layer {
    public let kernel: Int, stride: Int, padding: Int
    public let countIncludePadding: Bool
    private var inputShape: [Int] = []
    private var outputBuffer = Tensor.empty, gradInputBuffer = Tensor.empty
    private var scales: [Float] = []

    public var kind: String { "avg pool \(kernel)×\(kernel)" }

    public init(kernel: Int, stride: Int? = nil, padding: Int = 0, countIncludePadding: Bool = true) {
        let stride = stride ?? kernel
        precondition(kernel > 0 && stride > 0 && padding >= 0 && padding < kernel,
                     "AvgPool2D needs kernel > 0, stride > 0, 0 ≤ padding < kernel; got \(kernel), \(stride), \(padding)")
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.countIncludePadding = countIncludePadding
    }

    public func outputSize(height: Int, width: Int) -> (Int, Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// Calls `body(inputOffset, outputOffset, 1/divisor)` for each (window cell, output) pair in order.
    private func forEachWindowCell(h: Int, w: Int, planes: Int, _ body: (Int, Int, Float) -> Void) {
        let (oh, ow) = outputSize(height: h, width: w)
        for plane in 0..<planes {
            for oy in 0..<oh {
                let ys = (oy * stride - padding)..<(oy * stride - padding + kernel)
                let validY = ys.clamped(to: 0..<h)
                for ox in 0..<ow {
                    let xs = (ox * stride - padding)..<(ox * stride - padding + kernel)
                    let validX = xs.clamped(to: 0..<w)
                    let divisor = countIncludePadding ? kernel * kernel : validY.count * validX.count
                    let scale = 1 / Float(divisor)
                    let o = (plane * oh + oy) * ow + ox
                    for iy in validY { for ix in validX { body((plane * h + iy) * w + ix, o, scale) } }
                }
            }
        }
    }

    // Forward: x [N, C, H, W] → y [N, C, oH, oW], y = Σ window / divisor.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 4, "AvgPool2D expects [N, C, H, W], got \(input.shape)")
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "AvgPool2D window \(kernel)×\(kernel) larger than input \(input.shape)")
        inputShape = input.shape
        var output = Tensor.take(&outputBuffer, shape: (n, c, oh, ow), zeroed: true)
        if scales.count != output.count { scales = [Float](repeating: 0, count: output.count) }
        forEachWindowCell(h: h, w: w, planes: n * c) { i, o, scale in
            output.storage[o] += input.storage[i]
            scales[o] = scale
        }
        for o in 0..<output.count { output.storage[o] *= scales[o] }
        outputBuffer = output
        return output
    }

    // Backward: dy [N, C, oH, oW] → dx [N, C, H, W], dx += dy / divisor for each window cell.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        let (oh, ow) = outputSize(height: inputShape[2], width: inputShape[3])
        precondition(gradOutput.shape.equals(inputShape[0], inputShape[1], oh, ow),
                     "AvgPool2D backward expects \([inputShape[0], inputShape[1], oh, ow]), got \(gradOutput.shape)")
        var gradInput = Tensor.take(&gradInputBuffer, shape: inputShape, zeroed: true)
        forEachWindowCell(h: inputShape[2], w: inputShape[3], planes: inputShape[0] * inputShape[1]) { i, o, scale in
            gradInput.storage[i] += gradOutput.storage[o] * scale
        }
        gradInputBuffer = gradInput
        return gradInput
    }

    public func replica() -> Layer {
        AvgPool2D(kernel: kernel, stride: stride, padding: padding, countIncludePadding: countIncludePadding)
    }
}
