/// LeNet-5's trainable subsampling (LeCun et al. 1998, §II.B): the cells of each k×k window are
/// ADDED (a sum, not a mean), multiplied by a trainable per-map coefficient and shifted by a
/// trainable per-map bias: y[n, c] = weight[c] · Σ window + bias[c]. No padding.
///
/// Weight [C], bias [C]. Overlapping windows (stride < kernel) accumulate gradients.
public final class LeCunSubsampling: Layer {
    public let channels: Int, kernel: Int, stride: Int
    public let weight: Parameter, bias: Parameter
    private var input = Tensor.empty
    private var windowSums: [Float] = []
    private var outputBuffer = Tensor.empty, gradInputBuffer = Tensor.empty

    public var kind: String { "lecun subsample \(kernel)×\(kernel)" }
    public var parameters: [Parameter] { [weight, bias] }

    public init(name: String, channels: Int, kernel: Int, stride: Int? = nil) {
        let stride = stride ?? kernel
        precondition(channels > 0 && kernel > 0 && stride > 0,
                     "LeCunSubsampling needs positive sizes, got \(channels), \(kernel), \(stride)")
        self.channels = channels
        self.kernel = kernel
        self.stride = stride
        weight = Parameter(name: "\(name).weight", value: Tensor(shape: [channels], repeating: 1))
        bias = Parameter(name: "\(name).bias", value: Tensor(zeros: [channels]))
    }

    public func outputSize(height: Int, width: Int) -> (Int, Int) {
        ((height - kernel) / stride + 1, (width - kernel) / stride + 1)
    }

    // Forward: x [N, C, H, W] → s = Σ window [N, C, oH, oW] → y = weight[c]·s + bias[c].
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 4 && input.shape[1] == channels,
                     "LeCunSubsampling expects [N, \(channels), H, W], got \(input.shape)")
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "LeCunSubsampling window \(kernel)×\(kernel) larger than input \(input.shape)")
        self.input = input
        var output = Tensor.take(&outputBuffer, shape: (n, channels, oh, ow), zeroed: false)
        if windowSums.count != output.count { windowSums = [Float](repeating: 0, count: output.count) }
        for plane in 0..<(n * channels) {
            let c = plane % channels
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum: Float = 0
                    for ki in 0..<kernel {
                        for kj in 0..<kernel {
                            sum += input.storage[(plane * h + oy * stride + ki) * w + ox * stride + kj]
                        }
                    }
                    let o = (plane * oh + oy) * ow + ox
                    windowSums[o] = sum
                    output.storage[o] = weight.value.storage[c] * sum + bias.value.storage[c]
                }
            }
        }
        outputBuffer = output
        return output
    }

    // Backward: dy [N, C, oH, oW] → dweight[c] += Σ dy·s, dbias[c] += Σ dy,
    //           dx[window cells] += weight[c]·dy.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(gradOutput.shape.equals(n, channels, oh, ow),
                     "LeCunSubsampling backward expects \([n, channels, oh, ow]), got \(gradOutput.shape)")
        var gradInput = Tensor.take(&gradInputBuffer, shape: input.shape, zeroed: true)
        for plane in 0..<(n * channels) {
            let c = plane % channels
            let coefficient = weight.value.storage[c]
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let o = (plane * oh + oy) * ow + ox
                    let dy = gradOutput.storage[o]
                    weight.grad.storage[c] += dy * windowSums[o]
                    bias.grad.storage[c] += dy
                    for ki in 0..<kernel {
                        for kj in 0..<kernel {
                            gradInput.storage[(plane * h + oy * stride + ki) * w + ox * stride + kj] += coefficient * dy
                        }
                    }
                }
            }
        }
        gradInputBuffer = gradInput
        return gradInput
    }

    public func releaseInput() { input = .empty }

    public func replica() -> Layer {
        let copy = LeCunSubsampling(name: "", channels: channels, kernel: kernel, stride: stride)
        copy.weight.name = weight.name; copy.weight.value = weight.value
        copy.bias.name = bias.name; copy.bias.value = bias.value
        return copy
    }
}
