import Foundation
import WorkbenchModel
import WorkbenchRandom
import XCTest

/// The whole-network gradient check on networks with kinks (ReLU, max pooling) and batch norm:
/// correct code passes on raw and normalised inputs, a wrong backward fails, kinks are skipped.
final class WholeNetworkGradientCheckTests: XCTestCase {
    /// Fashion-MNIST-like pictures: a few soft blobs on an exactly-zero background (so, as on real
    /// data, convolutions over the background give exactly tied max-pool windows), values in [0, 1].
    func blobImages(count: Int, size: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var pixels = [Float](repeating: 0, count: count * size * size)
        for n in 0..<count {
            for _ in 0..<3 {
                let cy = rng.nextFloat(in: 0.3, 0.7) * Float(size), cx = rng.nextFloat(in: 0.3, 0.7) * Float(size)
                let radius = rng.nextFloat(in: 2, Float(size) / 4), brightness = rng.nextFloat(in: 0.4, 1)
                for y in 0..<size {
                    for x in 0..<size {
                        let d2 = (Float(y) - cy) * (Float(y) - cy) + (Float(x) - cx) * (Float(x) - cx)
                        guard d2 < radius * radius else { continue }
                        let i = (n * size + y) * size + x
                        pixels[i] = min(1, pixels[i] + brightness * (1 - d2 / (radius * radius)))
                    }
                }
            }
        }
        return pixels
    }

    static let modernLeNet5: [LayerSpec] = [
        .conv(.init(outChannels: 6, kernel: 5, padding: 2)), .activation(.relu), .maxPool(.init(kernel: 2)),
        .conv(.init(outChannels: 16, kernel: 5)), .activation(.relu), .maxPool(.init(kernel: 2)),
        .dense(.init(outputs: 120)), .activation(.relu), .dense(.init(outputs: 84)), .activation(.relu),
        .dense(.init(outputs: 10)),
    ]

    static let batchNormNet: [LayerSpec] = [
        .conv(.init(outChannels: 8, kernel: 3, padding: 1)), .batchNorm(), .activation(.relu),
        .maxPool(.init(kernel: 2)), .conv(.init(outChannels: 8, kernel: 3, padding: 1)), .batchNorm(),
        .activation(.relu), .maxPool(.init(kernel: 2)), .dense(.init(outputs: 32)), .activation(.relu),
        .dropout(probability: 0.3), .dense(.init(outputs: 10)),
    ]

    func assertPasses(_ report: GradientCheck.Report, _ label: String, file: StaticString = #filePath,
                      line: UInt = #line) {
        XCTAssertTrue(report.passed, "\(label): largest \(report.maximum), \(report.unchecked)", file: file, line: line)
        for row in report.layers {
            XCTAssertGreaterThan(row.checked, 0, "\(label) layer \(row.index) (\(row.kind))", file: file, line: line)
            XCTAssertLessThanOrEqual(row.maximum, report.tolerance, "\(label) layer \(row.index) (\(row.kind))",
                                     file: file, line: line)
        }
    }

    func testModernLeNet5PassesOnRawAndNormalisedInputs() throws {
        let net = try Network(specs: Self.modernLeNet5, inputShape: [1, 28, 28], rng: SplitMix64(seed: 5))
        let raw = blobImages(count: 2, size: 28, seed: 6)
        for (label, images) in [("raw", raw), ("normalised", raw.map { ($0 - 0.286) / 0.353 })] {
            let report = net.gradientCheck(images: images, labels: [1, 8], loss: SoftmaxCrossEntropy(),
                                           rng: SplitMix64(seed: 7), maxEntries: 8)
            assertPasses(report, label)
        }
    }

    func testBatchNormDropoutNetworkPassesOnRawAndNormalisedInputs() throws {
        let net = try Network(specs: Self.batchNormNet, inputShape: [1, 16, 16], rng: SplitMix64(seed: 8))
        let raw = blobImages(count: 4, size: 16, seed: 9)
        for (label, images) in [("raw", raw), ("normalised", raw.map { ($0 - 0.286) / 0.353 })] {
            let report = net.gradientCheck(images: images, labels: [0, 3, 9, 3], loss: SoftmaxCrossEntropy(),
                                           rng: SplitMix64(seed: 10), maxEntries: 8)
            assertPasses(report, label)
        }
    }

    /// Wraps a layer and gets its backward wrong by a factor: on the input gradient, or on the
    /// parameter gradients.
    final class Wrong: Layer {
        let inner: Layer, inputFactor: Float, parameterFactor: Float
        init(_ inner: Layer, inputFactor: Float = 1, parameterFactor: Float = 1) {
            (self.inner, self.inputFactor, self.parameterFactor) = (inner, inputFactor, parameterFactor)
        }
        var kind: String { "wrong " + inner.kind }
        var needsInputGradient: Bool {
            get { inner.needsInputGradient }
            set { inner.needsInputGradient = newValue }
        }
        var parameters: [Parameter] { inner.parameters }
        func forward(_ input: Tensor, context: ForwardContext) -> Tensor { inner.forward(input, context: context) }
        func backward(_ gradOutput: Tensor) -> Tensor {
            var dx = inner.backward(gradOutput)
            for i in 0..<dx.count { dx.storage[i] *= inputFactor }
            for p in parameters { for i in 0..<p.grad.count { p.grad.storage[i] *= parameterFactor } }
            return dx
        }
        func replica() -> Layer { Wrong(inner.replica(), inputFactor: inputFactor, parameterFactor: parameterFactor) }
        func releaseInput() { inner.releaseInput() }
    }

    func testAWrongBackwardFails() throws {
        let net = try Network(specs: Self.batchNormNet, inputShape: [1, 16, 16], rng: SplitMix64(seed: 8))
        let images = blobImages(count: 4, size: 16, seed: 9).map { ($0 - 0.286) / 0.353 }
        let kinds = net.specs.map(\.kind)
        let input = Tensor(shape: [4, 1, 16, 16], storage: images)
        let context = ForwardContext(training: true, random: SplitMix64(seed: 3))
        func check(_ layers: [Layer]) -> GradientCheck.Report {
            GradientCheck.check(layers: layers, kinds: kinds, input: input, labels: [0, 3, 9, 3],
                                loss: SoftmaxCrossEntropy(), context: context, rng: SplitMix64(seed: 4),
                                maxEntries: 8)
        }
        assertPasses(check(net.replica().layers), "correct")

        // Batch norm's input gradient 5% too large: that layer fails, the layers after it do not.
        var layers = net.replica().layers
        layers[5] = Wrong(layers[5], inputFactor: 1.05)
        let wrongInput = check(layers)
        XCTAssertFalse(wrongInput.passed)
        XCTAssertGreaterThan(wrongInput.layers[5].input, 0.03)
        for row in wrongInput.layers[6...] { XCTAssertLessThanOrEqual(row.maximum, 1e-2, "layer \(row.index)") }

        // The first convolution's input gradient 5% too large: checked although a network's first
        // layer skips it by default (the checker asks every layer for its input gradient).
        layers = net.replica().layers
        XCTAssertFalse(layers[0].needsInputGradient)
        layers[0] = Wrong(layers[0], inputFactor: 1.05)
        let wrongFirst = check(layers)
        XCTAssertFalse(wrongFirst.passed)
        XCTAssertGreaterThan(wrongFirst.layers[0].input, 0.03)
        XCTAssertLessThanOrEqual(wrongFirst.layers[0].parameters, 1e-2)

        // The second convolution's weight and bias gradients 5% too small.
        layers = net.replica().layers
        layers[4] = Wrong(layers[4], parameterFactor: 0.95)
        let wrongParameters = check(layers)
        XCTAssertFalse(wrongParameters.passed)
        XCTAssertGreaterThan(wrongParameters.layers[4].parameters, 0.03)
        XCTAssertLessThanOrEqual(wrongParameters.layers[4].input, 1e-2)
    }

    /// A ReLU input at 0, or nearer to 0 than the smallest step, is skipped, not compared.
    func testReLUInputsAtOrNearZeroAreSkipped() throws {
        let net = try Network(specs: [.activation(.relu), .flatten, .dense(.init(outputs: 3))],
                              inputShape: [1, 2, 3], rng: SplitMix64(seed: 1))
        let images: [Float] = [0.7, 0, -0.6, 1e-5, 0.01, -0.8]
        let report = net.gradientCheck(images: images, labels: [2], loss: SoftmaxCrossEntropy(), rng: SplitMix64(seed: 2))
        XCTAssertEqual(report.layers[0].skipped, 2, "the inputs 0 and 1e-5")
        XCTAssertEqual(report.layers[0].checked, 4)
        assertPasses(report, "relu")
    }

    /// Max-pool cells closer than the smallest step to their window's maximum are skipped.
    func testMaxPoolNearTiesAreSkipped() throws {
        let net = try Network(specs: [.maxPool(.init(kernel: 2)), .flatten, .dense(.init(outputs: 3))],
                              inputShape: [1, 2, 2], rng: SplitMix64(seed: 1))
        let report = net.gradientCheck(images: [0.5, 0.5001, 0.1, -0.3], labels: [0], loss: SoftmaxCrossEntropy(),
                                       rng: SplitMix64(seed: 2))
        XCTAssertEqual(report.layers[0].skipped, 2, "the two near-tied cells")
        XCTAssertEqual(report.layers[0].checked, 2)
        assertPasses(report, "max pool")
    }

    /// A layer where every probed coordinate sits on a kink is reported unchecked, never passed.
    func testNothingCheckedIsNotAPass() throws {
        let net = try Network(specs: [.activation(.relu), .flatten, .dense(.init(outputs: 3))],
                              inputShape: [1, 1, 4], rng: SplitMix64(seed: 1))
        let report = net.gradientCheck(images: [0, 0, 0, 0], labels: [1], loss: SoftmaxCrossEntropy(),
                                       rng: SplitMix64(seed: 2))
        XCTAssertEqual(report.layers[0].checked, 0)
        XCTAssertEqual(report.layers[0].skipped, 4)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.unchecked.count, 1)
        XCTAssertLessThanOrEqual(report.maximum, 1e-2, "what was checked agrees")
    }
}
