/// Which linear piece each piecewise layer is on: the gradient checker's kink detector.
///
/// A central difference (f(x + h) − f(x − h)) / 2h only estimates f′(x) when f is smooth on
/// [x − h, x + h]. ReLU, LeakyReLU and ELU switch formula at 0 and max pooling switches winner when
/// two window cells cross, so a step that crosses such a kink measures a mixture of two slopes. The
/// pattern of a layer for an input records the piece: for an activation one flag x > 0 per element,
/// for max pooling the winning input cell of every window (found by the same first-maximum,
/// row-major scan the layer documents). The checker skips a coordinate whose step changes any
/// pattern downstream of it. Smooth layers (sigmoid, tanh, conv, dense, batch norm, average pools)
/// have no pattern; dropout's mask is fixed by the forward context, so it needs none either.
enum KinkPattern {
    /// The pattern of `layer` for `input` [N, ...], or nil when the layer is smooth.
    static func of(_ layer: Layer, input: Tensor) -> [Int32]? {
        switch layer {
        case let activation as ActivationLayer:
            switch activation.activation {
            case .relu, .leakyReLU, .elu: return input.storage.map { $0 > 0 ? 1 : 0 }
            case .sigmoid, .tanh, .lecunTanh: return nil
            }
        case let pool as MaxPool2D:
            return maxPoolWinners(input, kernel: pool.kernel, stride: pool.stride, padding: pool.padding)
        default:
            return nil
        }
    }

    /// Patterns of layers `start...` as `layers` see them from `input` (the input of layer `start`),
    /// and the output of the last layer.
    static func forward(_ layers: [Layer], from start: Int, input: Tensor,
                        context: ForwardContext) -> (output: Tensor, patterns: [[Int32]]) {
        for layer in layers[start...] { layer.releaseInput() }
        var x = input, patterns: [[Int32]] = [], context = context
        for i in start..<layers.count {
            if let pattern = of(layers[i], input: x) { patterns.append(pattern) }
            context.layerIndex = i
            x = layers[i].forward(x, context: context)
        }
        return (x, patterns)
    }

    // x [N, C, H, W] → for each window of the [N, C, oH, oW] output, the flat index of its first
    // largest real (unpadded) cell.
    static func maxPoolWinners(_ input: Tensor, kernel: Int, stride: Int, padding: Int) -> [Int32] {
        precondition(input.shape.count == 4, "max pool pattern expects [N, C, H, W], got \(input.shape)")
        let (planes, h, w) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
        var winners: [Int32] = []
        winners.reserveCapacity(planes * oh * ow)
        for plane in 0..<planes {
            let base = plane * h * w
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity, winner = -1
                    for ky in 0..<kernel {
                        let iy = oy * stride - padding + ky
                        guard iy >= 0 && iy < h else { continue }
                        for kx in 0..<kernel {
                            let ix = ox * stride - padding + kx
                            guard ix >= 0 && ix < w else { continue }
                            let v = input.storage[base + iy * w + ix]
                            if winner < 0 || v > best { best = v; winner = base + iy * w + ix }
                        }
                    }
                    winners.append(Int32(winner))
                }
            }
        }
        return winners
    }
}
