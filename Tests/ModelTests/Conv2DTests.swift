import WorkbenchModel
import WorkbenchRandom
import XCTest

/// Conv2D's forward, weight, bias and input gradients against a plain six-loop convolution in
/// Double, on random shapes: strides 1–3, padding 0–2, non-square kernels, connection tables
/// (LeNet-5's C3), one and many input maps, batch of several samples.
final class Conv2DTests: XCTestCase {
    struct Shape {
        var n: Int, inChannels: Int, outChannels: Int, h: Int, w: Int
        var kernel: (Int, Int), stride: Int, padding: Int
        var connections: [[Int]]? = nil
    }

    static let shapes: [Shape] = [
        Shape(n: 3, inChannels: 1, outChannels: 6, h: 12, w: 12, kernel: (5, 5), stride: 1, padding: 2),  // LeNet C1
        Shape(n: 2, inChannels: 6, outChannels: 16, h: 14, w: 14, kernel: (5, 5), stride: 1, padding: 0,
              connections: LeNet.c3Connections),
        Shape(n: 2, inChannels: 1, outChannels: 8, h: 9, w: 11, kernel: (3, 3), stride: 1, padding: 1),
        Shape(n: 2, inChannels: 3, outChannels: 4, h: 9, w: 10, kernel: (3, 3), stride: 1, padding: 1),
        Shape(n: 2, inChannels: 2, outChannels: 3, h: 7, w: 9, kernel: (3, 2), stride: 2, padding: 1),
        Shape(n: 1, inChannels: 2, outChannels: 5, h: 8, w: 7, kernel: (2, 4), stride: 3, padding: 2),
        Shape(n: 2, inChannels: 4, outChannels: 2, h: 20, w: 19, kernel: (1, 1), stride: 1, padding: 0),
        Shape(n: 2, inChannels: 1, outChannels: 3, h: 5, w: 30, kernel: (5, 3), stride: 1, padding: 0),
    ]

    /// y, dW, db, dx by definition, accumulated in Double.
    func reference(_ s: Shape, x: Tensor, weight: Tensor, bias: Tensor, dy: Tensor)
        -> (y: [Double], dw: [Double], db: [Double], dx: [Double]) {
        let (kh, kw) = s.kernel
        let oh = (s.h + 2 * s.padding - kh) / s.stride + 1, ow = (s.w + 2 * s.padding - kw) / s.stride + 1
        var y = [Double](repeating: 0, count: s.n * s.outChannels * oh * ow)
        var dw = [Double](repeating: 0, count: weight.count), db = [Double](repeating: 0, count: s.outChannels)
        var dx = [Double](repeating: 0, count: x.count)
        for n in 0..<s.n {
            for o in 0..<s.outChannels {
                let inputs = s.connections?[o] ?? Array(0..<s.inChannels)
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let yi = ((n * s.outChannels + o) * oh + oy) * ow + ox
                        let g = Double(dy.storage[yi])
                        var sum = Double(bias.storage[o])
                        db[o] += g
                        for c in inputs {
                            for ki in 0..<kh {
                                for kj in 0..<kw {
                                    let iy = oy * s.stride - s.padding + ki, ix = ox * s.stride - s.padding + kj
                                    guard (0..<s.h).contains(iy), (0..<s.w).contains(ix) else { continue }
                                    let xi = ((n * s.inChannels + c) * s.h + iy) * s.w + ix
                                    let wi = ((o * s.inChannels + c) * kh + ki) * kw + kj
                                    sum += Double(weight.storage[wi]) * Double(x.storage[xi])
                                    dw[wi] += g * Double(x.storage[xi])
                                    dx[xi] += g * Double(weight.storage[wi])
                                }
                            }
                        }
                        y[yi] = sum
                    }
                }
            }
        }
        return (y, dw, db, dx)
    }

    func assertClose(_ actual: [Float], _ expected: [Double], _ label: String, file: StaticString = #filePath,
                     line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
        let scale = expected.reduce(1.0) { max($0, abs($1)) }
        for (i, (a, e)) in zip(actual, expected).enumerated() where abs(Double(a) - e) > 1e-5 * scale {
            XCTFail("\(label)[\(i)]: \(a), expected \(e)", file: file, line: line)
            return
        }
    }

    func testForwardAndGradientsMatchTheDefinition() {
        var rng = SplitMix64(seed: 77)
        for (index, s) in Self.shapes.enumerated() {
            let conv = Conv2D(name: "c", inChannels: s.inChannels, outChannels: s.outChannels, kernel: s.kernel,
                              stride: s.stride, padding: s.padding, connections: s.connections)
            randomizeParameters(conv, &rng)
            conv.applyConnectionMask()
            let x = randomTensor([s.n, s.inChannels, s.h, s.w], &rng)
            let (oh, ow) = conv.outputSize(height: s.h, width: s.w)
            let dy = randomTensor([s.n, s.outChannels, oh, ow], &rng)
            let expected = reference(s, x: x, weight: conv.weight.value, bias: conv.bias!.value, dy: dy)
            // Twice: the second pass reuses every buffer (padding planes, columns, outputs).
            for pass in 0..<2 {
                let label = "shape \(index) pass \(pass)"
                conv.weight.zeroGrad()
                conv.bias!.zeroGrad()
                assertClose(conv.forward(x, context: train).storage, expected.y, "\(label) y")
                let dx = conv.backward(dy)
                assertClose(conv.weight.grad.storage, expected.dw, "\(label) dW")
                assertClose(conv.bias!.grad.storage, expected.db, "\(label) db")
                assertClose(dx.storage, expected.dx, "\(label) dx")
            }
            // Without the input gradient: the same parameter gradients, bit for bit, and no dx.
            let full = conv.weight.grad, fullBias = conv.bias!.grad
            conv.needsInputGradient = false
            conv.weight.zeroGrad()
            conv.bias!.zeroGrad()
            _ = conv.forward(x, context: train)
            XCTAssertEqual(conv.backward(dy).count, 0, "shape \(index): no input gradient")
            XCTAssertEqual(conv.weight.grad, full, "shape \(index)")
            XCTAssertEqual(conv.bias!.grad, fullBias, "shape \(index)")
        }
    }
}
