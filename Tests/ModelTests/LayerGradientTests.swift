import WorkbenchModel
import WorkbenchRandom
import XCTest

/// Every layer's backward against central finite differences, w.r.t. its input and its parameters.
/// Measured worst errors are ~1e-3 (float32 rounding of the forward sums over 2h = 0.02), so the
/// tolerance is 5e-3; a wrong backward gives errors of order 1.
final class LayerGradientTests: XCTestCase {
    var rng = SplitMix64(seed: 2024)

    func assertGradients(_ layer: Layer, input: Tensor, context: ForwardContext = ForwardContext(training: true),
                         tolerance: Double = 5e-3, file: StaticString = #filePath, line: UInt = #line) {
        let result = GradientCheck.check(layer, input: input, context: context, rng: &rng)
        XCTAssertLessThan(result.input, tolerance, "\(layer.kind) input", file: file, line: line)
        XCTAssertEqual(result.parameters.count, layer.parameters.count, file: file, line: line)
        for (name, error) in result.parameters {
            XCTAssertLessThan(error, tolerance, "\(layer.kind) \(name)", file: file, line: line)
        }
    }

    func testConvolution() {
        for (stride, padding, kernel) in [(1, 0, (3, 3)), (2, 1, (3, 3)), (1, 2, (2, 3)), (3, 0, (2, 2))] {
            let conv = Conv2D(name: "c", inChannels: 2, outChannels: 3, kernel: kernel, stride: stride, padding: padding)
            randomizeParameters(conv, &rng)
            assertGradients(conv, input: randomTensor([2, 2, 6, 7], &rng))
        }
    }

    func testConvolutionWithConnectionTableAndNoBias() {
        let conv = Conv2D(name: "c", inChannels: 3, outChannels: 4, kernel: (3, 3), bias: false,
                          connections: [[0, 1], [1, 2], [2, 0], [0, 1, 2]])
        randomizeParameters(conv, &rng)
        conv.applyConnectionMask()
        assertGradients(conv, input: randomTensor([2, 3, 5, 5], &rng))
    }

    func testMaxPool() {
        for (kernel, stride, padding) in [(2, 2, 0), (3, 2, 1), (2, 1, 0), (3, 1, 1)] {
            assertGradients(MaxPool2D(kernel: kernel, stride: stride, padding: padding),
                            input: distinctTensor([2, 2, 6, 6], &rng))
        }
    }

    func testAveragePool() {
        for (kernel, stride, padding) in [(2, 2, 0), (3, 2, 1), (2, 1, 1)] {
            for include in [true, false] {
                assertGradients(AvgPool2D(kernel: kernel, stride: stride, padding: padding, countIncludePadding: include),
                                input: randomTensor([2, 2, 5, 6], &rng))
            }
        }
    }

    func testLeCunSubsampling() {
        for (kernel, stride) in [(2, 2), (3, 2), (2, 1)] {
            let s = LeCunSubsampling(name: "s", channels: 3, kernel: kernel, stride: stride)
            randomizeParameters(s, &rng)
            assertGradients(s, input: randomTensor([2, 3, 6, 6], &rng))
        }
    }

    func testGlobalAveragePoolFlattenDense() {
        assertGradients(GlobalAvgPool(), input: randomTensor([2, 3, 4, 5], &rng))
        assertGradients(Flatten(), input: randomTensor([2, 3, 2, 2], &rng))
        let dense = Dense(name: "d", inputs: 12, outputs: 5)
        randomizeParameters(dense, &rng)
        assertGradients(dense, input: randomTensor([3, 3, 2, 2], &rng))
        let noBias = Dense(name: "d", inputs: 7, outputs: 4, bias: false)
        randomizeParameters(noBias, &rng)
        assertGradients(noBias, input: randomTensor([3, 7], &rng))
    }

    func testActivations() {
        let activations: [Activation] = [.sigmoid, .tanh, .lecunTanh, .relu, .leakyReLU(slope: 0.1), .elu(alpha: 0.7)]
        for a in activations {
            assertGradients(ActivationLayer(a), input: randomTensor([2, 3, 3, 3], &rng, margin: 0.05))
        }
    }

    func testDropoutInTraining() {
        let context = ForwardContext(training: true, random: SplitMix64(seed: 9), layerIndex: 2)
        assertGradients(Dropout(probability: 0.3), input: randomTensor([2, 20], &rng), context: context)
    }

    func testBatchNormTrainingAndEvaluation() {
        let conv = BatchNorm(name: "bn", channels: 3)
        randomizeParameters(conv, &rng)
        assertGradients(conv, input: randomTensor([3, 3, 3, 3], &rng))
        assertGradients(conv, input: randomTensor([3, 3, 3, 3], &rng), context: .evaluation)
        let dense = BatchNorm(name: "bn", channels: 5)
        randomizeParameters(dense, &rng)
        assertGradients(dense, input: randomTensor([6, 5], &rng))
        // Maps of 5×5 = 25 values: three whole eight-lane blocks and a one-value tail per row.
        let wide = BatchNorm(name: "bn", channels: 2)
        randomizeParameters(wide, &rng)
        assertGradients(wide, input: randomTensor([2, 2, 5, 5], &rng))
        assertGradients(wide, input: randomTensor([2, 2, 5, 5], &rng), context: .evaluation)
    }

    /// The checker itself must notice a wrong gradient.
    func testCheckerDetectsABrokenBackward() {
        final class Doubling: Layer {
            var kind: String { "wrong" }
            func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
                Tensor(shape: input.shape, storage: input.storage.map { $0 * $0 })
            }
            func backward(_ gradOutput: Tensor) -> Tensor { gradOutput }  // should be 2x·dy
            func replica() -> Layer { Doubling() }
        }
        let result = GradientCheck.check(Doubling(), input: randomTensor([1, 8], &rng, margin: 0.2), rng: &rng)
        XCTAssertGreaterThan(result.input, 0.1)
    }
}
