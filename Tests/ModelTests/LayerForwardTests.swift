import WorkbenchModel
import WorkbenchRandom
import XCTest

/// Forward values computed by hand on small inputs (mostly the 4×4 ramp 1...16).
final class LayerForwardTests: XCTestCase {
    func testConvValidAndPadded() {
        let conv = Conv2D(name: "c", inChannels: 1, outChannels: 1, kernel: (2, 2))
        conv.weight.value.storage = [1, 2, 3, 4]
        conv.bias!.value.storage = [0.5]
        // y[i, j] = x[i,j] + 2x[i,j+1] + 3x[i+1,j] + 4x[i+1,j+1] + 0.5 = 44.5 + 10j + 40i
        let y = conv.forward(ramp4x4, context: train)
        XCTAssertEqual(y.shape, [1, 1, 3, 3])
        XCTAssertEqualFloats(y.storage, [44.5, 54.5, 64.5, 84.5, 94.5, 104.5, 124.5, 134.5, 144.5])

        let padded = Conv2D(name: "c", inChannels: 1, outChannels: 1, kernel: (2, 2), stride: 2, padding: 1)
        padded.weight.value.storage = [1, 2, 3, 4]
        padded.bias!.value.storage = [0.5]
        let z = padded.forward(ramp4x4, context: train)
        XCTAssertEqual(z.shape, [1, 1, 3, 3])
        // (0,0): only x[0,0]·4; (1,1): rows 1-2, cols 1-2 = 6 + 2·7 + 3·10 + 4·11; (2,2): only x[3,3]·1
        XCTAssertEqual(z.storage[0], 4.5)
        XCTAssertEqual(z.storage[4], 94.5)
        XCTAssertEqual(z.storage[8], 16.5)
        XCTAssertEqual(z.storage[1], 3 * 2 + 4 * 3 + 0.5)  // row −1 padded; x[0,1]·w10 + x[0,2]·w11
    }

    func testConnectionTableMasksWeights() {
        // 2 input maps, 2 output maps, 1×1 kernels all ones: out0 sees map 0, out1 sees maps 0 and 1.
        let conv = Conv2D(name: "c", inChannels: 2, outChannels: 2, kernel: (1, 1), bias: false,
                          connections: [[0], [0, 1]])
        conv.weight.value.storage = [1, 1, 1, 1]
        let x = Tensor(shape: [1, 2, 1, 2], storage: [1, 2, 10, 20])
        let y = conv.forward(x, context: train)
        XCTAssertEqualFloats(y.storage, [1, 2, 11, 22])
        _ = conv.backward(Tensor(shape: [1, 2, 1, 2], repeating: 1))
        XCTAssertEqualFloats(conv.weight.grad.storage, [3, 0, 3, 30])  // masked (0 ← 1) gradient is zero
        conv.applyConnectionMask()
        XCTAssertEqualFloats(conv.weight.value.storage, [1, 0, 1, 1])
        XCTAssertEqual(conv.fanIn, 2)
    }

    func testMaxPool() {
        let pool = MaxPool2D(kernel: 2)
        XCTAssertEqualFloats(pool.forward(ramp4x4, context: train).storage, [6, 8, 14, 16])
        // Padded cells never win: all inputs negative, the padded zero must not appear.
        let padded = MaxPool2D(kernel: 2, stride: 2, padding: 1)
        let negative = Tensor(shape: [1, 1, 4, 4], storage: (1...16).map { -Float($0) })
        let y = padded.forward(negative, context: train)
        XCTAssertEqual(y.shape, [1, 1, 3, 3])
        XCTAssertEqualFloats(y.storage, [-1, -2, -4, -5, -6, -8, -13, -14, -16])
    }

    func testMaxPoolTiesRouteToFirstMaximum() {
        // A window of four equal values: the gradient goes to the first in row-major order.
        let pool = MaxPool2D(kernel: 2)
        let x = Tensor(shape: [1, 1, 2, 2], storage: [3, 3, 3, 3])
        _ = pool.forward(x, context: train)
        XCTAssertEqualFloats(pool.backward(Tensor(shape: [1, 1, 1, 1], storage: [5])).storage, [5, 0, 0, 0])
        // Tie between the second and fourth cells: the second wins.
        let y = Tensor(shape: [1, 1, 2, 2], storage: [1, 7, 2, 7])
        _ = pool.forward(y, context: train)
        XCTAssertEqualFloats(pool.backward(Tensor(shape: [1, 1, 1, 1], storage: [1])).storage, [0, 1, 0, 0])
        // Overlapping windows (kernel 2, stride 1) on a 2×3 plateau: both windows pick their own first
        // cell; the shared middle column collects the second window's gradient.
        let overlap = MaxPool2D(kernel: 2, stride: 1)
        _ = overlap.forward(Tensor(shape: [1, 1, 2, 3], repeating: 1), context: train)
        let g = overlap.backward(Tensor(shape: [1, 1, 1, 2], storage: [1, 10]))
        XCTAssertEqualFloats(g.storage, [1, 10, 0, 0, 0, 0])
    }

    func testAveragePoolDivisors() {
        XCTAssertEqualFloats(AvgPool2D(kernel: 2).forward(ramp4x4, context: train).storage, [3.5, 5.5, 11.5, 13.5])
        let including = AvgPool2D(kernel: 2, stride: 2, padding: 1, countIncludePadding: true)
        let excluding = AvgPool2D(kernel: 2, stride: 2, padding: 1, countIncludePadding: false)
        let a = including.forward(ramp4x4, context: train), b = excluding.forward(ramp4x4, context: train)
        XCTAssertEqual(a.storage[0], 0.25)                   // x[0,0] / 4
        XCTAssertEqual(b.storage[0], 1)                      // x[0,0] / 1
        XCTAssertEqual(a.storage[1], (2 + 3) / 4)            // top edge: two real cells
        XCTAssertEqual(b.storage[1], (2 + 3) / 2)
        XCTAssertEqual(a.storage[4], (6 + 7 + 10 + 11) / 4)  // interior: same either way
        XCTAssertEqual(b.storage[4], (6 + 7 + 10 + 11) / 4)
        // Backward spreads with the same divisor.
        var upstream = Tensor(zeros: [1, 1, 3, 3]); upstream.storage[0] = 1
        _ = excluding.forward(ramp4x4, context: train)
        XCTAssertEqual(excluding.backward(upstream).storage[0], 1)
        _ = including.forward(ramp4x4, context: train)
        XCTAssertEqual(including.backward(upstream).storage[0], 0.25)
    }

    func testLeCunSubsamplingSumsWindows() {
        let s = LeCunSubsampling(name: "s", channels: 1, kernel: 2)
        s.weight.value.storage = [2]
        s.bias.value.storage = [1]
        // window sums 14, 22, 46, 54 → 2·sum + 1
        XCTAssertEqualFloats(s.forward(ramp4x4, context: train).storage, [29, 45, 93, 109])
    }

    func testGlobalAveragePoolAndFlattenAndDense() {
        let g = GlobalAvgPool().forward(ramp4x4, context: train)
        XCTAssertEqual(g.shape, [1, 1, 1, 1])
        XCTAssertEqual(g.storage, [8.5])
        let f = Flatten().forward(ramp4x4, context: train)
        XCTAssertEqual(f.shape, [1, 16])
        let dense = Dense(name: "d", inputs: 16, outputs: 2)
        for i in 0..<16 { dense.weight.value.storage[i] = 1; dense.weight.value.storage[16 + i] = i % 2 == 0 ? 1 : -1 }
        dense.bias!.value.storage = [0.5, -0.5]
        // Σ 1...16 = 136; alternating sum 1 − 2 + 3 − ... − 16 = −8. Dense takes NCHW directly.
        XCTAssertEqualFloats(dense.forward(ramp4x4, context: train).storage, [136.5, -8.5])
    }

    func testActivationValues() {
        let x = Tensor(shape: [1, 6], storage: [-2, -0.5, 0, 0.5, 1.5, 3])
        func apply(_ a: Activation) -> [Float] { ActivationLayer(a).forward(x, context: train).storage }
        XCTAssertEqualFloats(apply(.relu), [0, 0, 0, 0.5, 1.5, 3])
        XCTAssertEqualFloats(apply(.leakyReLU(slope: 0.1)), [-0.2, -0.05, 0, 0.5, 1.5, 3])
        XCTAssertEqualFloats(apply(.sigmoid), [0.11920292, 0.37754067, 0.5, 0.62245933, 0.81757448, 0.95257413])
        XCTAssertEqualFloats(apply(.tanh), [-0.96402758, -0.46211716, 0, 0.46211716, 0.90514825, 0.99505475])
        // 1.7159·tanh(2x/3): at x = 1.5, 1.7159·tanh(1) = 1.30682
        XCTAssertEqualFloats(apply(.lecunTanh), [-1.49294, -0.55168, 0, 0.55168, 1.30682, 1.65417], accuracy: 1e-4)
        XCTAssertEqualFloats(apply(.elu(alpha: 1)), [-0.86466472, -0.39346934, 0, 0.5, 1.5, 3])
    }

    func testDropoutIsSeededInvertedAndIdentityInEvaluation() {
        let d = Dropout(probability: 0.5)
        let x = Tensor(shape: [4, 256], repeating: 1)
        XCTAssertEqual(d.forward(x, context: .evaluation), x)
        let context = ForwardContext(training: true, random: SplitMix64(seed: 7), layerIndex: 3)
        let a = d.forward(x, context: context)
        XCTAssertTrue(a.storage.allSatisfy { $0 == 0 || $0 == 2 })
        let kept = a.storage.filter { $0 == 2 }.count
        XCTAssertEqual(Double(kept) / 1024, 0.5, accuracy: 0.05)
        XCTAssertEqual(d.forward(x, context: context), a, "same stream, same mask")
        var other = context; other.layerIndex = 4
        XCTAssertNotEqual(d.forward(x, context: other), a, "another layer gets another mask")
        let g = d.backward(Tensor(shape: [4, 256], repeating: 1))
        XCTAssertNotEqual(g.storage, a.storage, "backward uses the mask of the last forward (layer 4)")
        XCTAssertEqual(g, d.forward(x, context: other))
    }

    func testBatchNormTrainingAndEvaluation() {
        let bn = BatchNorm(name: "bn", channels: 1, momentum: 0.1)
        bn.weight.value.storage = [2]
        bn.bias.value.storage = [1]
        let x = Tensor(shape: [2, 1, 1, 2], storage: [1, 2, 3, 4])  // mean 2.5, biased var 1.25
        let y = bn.forward(x, context: train)
        let inv = 1 / (1.25 + 1e-5 as Float).squareRoot()
        XCTAssertEqualFloats(y.storage, [-1.5, -0.5, 0.5, 1.5].map { 2 * $0 * inv + 1 })
        // running = 0.9·(0, 1) + 0.1·(2.5, unbiased 5/3)
        XCTAssertEqual(bn.runningMean.value.storage[0], 0.25, accuracy: 1e-6)
        XCTAssertEqual(bn.runningVariance.value.storage[0], 0.9 + 0.1 * 5 / 3, accuracy: 1e-6)
        let e = bn.forward(x, context: .evaluation)
        let invRunning = 1 / (bn.runningVariance.value.storage[0] + 1e-5).squareRoot()
        XCTAssertEqualFloats(e.storage, [1, 2, 3, 4].map { 2 * ($0 - 0.25) * invRunning + 1 })
        XCTAssertEqual(bn.buffers.map(\.name), ["bn.running_mean", "bn.running_var"])
    }

    /// Batch statistics over rows longer than one eight-lane block (with a tail) match a
    /// double-precision reference, per channel, for an input with a large common offset.
    func testBatchNormStatisticsMatchDoubleReference() {
        var rng = SplitMix64(seed: 31)
        let (n, c, h, w) = (3, 2, 7, 5)
        let x = Tensor(shape: [n, c, h, w], storage: (0..<(n * c * h * w)).map { _ in 100 + rng.nextFloat() })
        let bn = BatchNorm(name: "bn", channels: c, momentum: 1)  // running = this batch's statistics
        let y = bn.forward(x, context: train)
        for ch in 0..<c {
            var values: [Double] = []
            for s in 0..<n { for i in 0..<(h * w) { values.append(Double(x.storage[(s * c + ch) * h * w + i])) } }
            let mean = values.reduce(0, +) / Double(values.count)
            let biased = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            XCTAssertEqual(Double(bn.runningMean.value.storage[ch]), mean, accuracy: 1e-5)
            XCTAssertEqual(Double(bn.runningVariance.value.storage[ch]),
                           biased * Double(values.count) / Double(values.count - 1), accuracy: 1e-5)
            for s in 0..<n {
                for i in 0..<(h * w) {
                    let j = (s * c + ch) * h * w + i
                    let expected = (Double(x.storage[j]) - mean) / (biased + 1e-5).squareRoot()
                    XCTAssertEqual(Double(y.storage[j]), expected, accuracy: 2e-3)
                }
            }
        }
    }
}
