import WorkbenchModel
import WorkbenchRandom
import XCTest

/// Building networks from specs: shapes, errors, names, weight loading, summaries, inference.
final class NetworkTests: XCTestCase {
    func testLeNet5ShapesParametersAndFlops() throws {
        let net = try Network(specs: LeNet.lenet5(), inputShape: [1, 32, 32], rng: SplitMix64(seed: 1))
        XCTAssertEqual(net.layerOutputShapes[0], [6, 28, 28])
        XCTAssertEqual(net.layerOutputShapes[2], [6, 14, 14])
        XCTAssertEqual(net.layerOutputShapes[4], [16, 10, 10])
        XCTAssertEqual(net.layerOutputShapes[6], [16, 5, 5])
        XCTAssertEqual(net.layerOutputShapes[8], [120, 1, 1])
        XCTAssertEqual(net.outputShape, [10])
        // Paper: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164; our output layer is dense 84→10 (850).
        let perLayer = net.summary.map(\.parameters)
        XCTAssertEqual(perLayer.filter { $0 > 0 }, [156, 12, 1516, 32, 48120, 10164, 850])
        XCTAssertEqual(net.parameterCount, 60850)
        // C1: 28·28 outputs × (2·25 MACs × 6 maps + 6 bias adds) = 784 · 306
        XCTAssertEqual(net.summary[0].flops, 239_904)
        // C3 masked weights are zero after initialisation; connected ones are not.
        let c3 = net.layers[4] as! Conv2D
        let w = c3.weight.value.storage
        XCTAssertTrue(w[(0 * 6 + 3) * 25..<(0 * 6 + 4) * 25].allSatisfy { $0 == 0 }, "C3 map 0 does not see S2 map 3")
        XCTAssertTrue(w[(0 * 6 + 0) * 25..<(0 * 6 + 1) * 25].contains { $0 != 0 })
        let table = net.summaryTable()
        XCTAssertTrue(table.contains("conv 5×5"), table)
        XCTAssertTrue(table.contains("60,850"), table)
        XCTAssertTrue(table.contains("6×28×28"), table)
        XCTAssertEqual(table.split(separator: "\n").count, 2 + 13 + 1)
    }

    func assertBuildError(_ specs: [LayerSpec], input: [Int] = [1, 28, 28], _ message: String,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Network(specs: specs, inputShape: input, rng: SplitMix64(seed: 0)),
                             file: file, line: line) { error in
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    func testBuildErrorsNameTheLayerAndTheReason() {
        let features: [LayerSpec] = [.conv(.init(outChannels: 6, kernel: 5)), .maxPool(.init(kernel: 2)),
                                     .conv(.init(outChannels: 16, kernel: 5)), .maxPool(.init(kernel: 2)), .flatten]
        assertBuildError(features + [.dense(.init(outputs: 120, inputs: 400))],
                         "layer 5 (dense) expects 400 inputs, the previous layer gives 256")
        assertBuildError([.conv(.init(outChannels: 4, kernel: 5)), .maxPool(.init(kernel: 2)),
                          .conv(.init(outChannels: 4, kernel: 3)), .conv(.init(outChannels: 4, kernel: 5))],
                         input: [1, 16, 16], "layer 3 (conv 5×5) is larger than its 4×4 input")
        assertBuildError([.conv(.init(outChannels: 3, kernel: 3, connections: [[0], [0]]))],
                         "layer 0 (conv 3×3) connection table has 2 rows, expected one per output map (3)")
        assertBuildError([.conv(.init(outChannels: 2, kernel: 3, connections: [[0], [1]]))],
                         "layer 0 (conv 3×3) connection table row 1 names input map 1, the previous layer gives 1 maps (0..<1)")
        assertBuildError([.dense(.init(outputs: 10)), .conv(.init(outChannels: 2, kernel: 3))],
                         "layer 1 (conv 3×3) needs [C, H, W] maps, the previous layer gives 10 features")
        assertBuildError([.conv(.init(outChannels: 2, kernel: 3, initializer: "glorot"))],
                         "layer 0 (conv 3×3) has unknown initialiser 'glorot', expected one of "
                         + WeightInitializers.names.joined(separator: ", "))
        assertBuildError([.maxPool(.init(kernel: 2, padding: 2))],
                         "layer 0 (max pool 2×2) needs 0 ≤ padding < kernel (2), got 2")
        assertBuildError([.dropout(probability: 1)], "layer 0 (dropout 1.0) needs a probability in [0, 1), got 1.0")
        assertBuildError([], input: [28, 28], "network input shape must be [C, H, W] with positive sizes, got [28, 28]")
    }

    func testNamesInitialisationAndLoading() throws {
        let specs: [LayerSpec] = [.conv(.init(outChannels: 3, kernel: 3)), .batchNorm(), .activation(.relu),
                                  .flatten, .dense(.init(outputs: 4, initializer: "xavier_normal"))]
        let a = try Network(specs: specs, inputShape: [2, 5, 5], rng: SplitMix64(seed: 1))
        XCTAssertEqual(a.tensorNames, ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                       "layers.1.running_mean", "layers.1.running_var",
                                       "layers.4.weight", "layers.4.bias"])
        XCTAssertEqual(a.parameters.count, 6)
        XCTAssertEqual(a.buffers.map(\.name), ["layers.1.running_mean", "layers.1.running_var"])
        // Same seed → same weights; another seed → different weights.
        let again = try Network(specs: specs, inputShape: [2, 5, 5], rng: SplitMix64(seed: 1))
        XCTAssertEqual(again.namedTensors(), a.namedTensors())
        let b = try Network(specs: specs, inputShape: [2, 5, 5], rng: SplitMix64(seed: 2))
        XCTAssertNotEqual(b.namedTensors()["layers.0.weight"], a.namedTensors()["layers.0.weight"])
        // Changing a later layer does not shift an earlier layer's initial weights.
        var changed = specs
        changed[4] = .dense(.init(outputs: 7))
        let c = try Network(specs: changed, inputShape: [2, 5, 5], rng: SplitMix64(seed: 1))
        XCTAssertEqual(c.namedTensors()["layers.0.weight"], a.namedTensors()["layers.0.weight"])
        XCTAssertEqual(a.namedTensors()["layers.0.bias"], Tensor(zeros: [3]))

        var rng = SplitMix64(seed: 5)
        let x = randomTensor([3, 2, 5, 5], &rng)
        try b.load(a.namedTensors())
        XCTAssertEqual(b.forward(x, context: .evaluation), a.forward(x, context: .evaluation))

        var wrong = a.namedTensors()
        wrong["layers.4.weight"] = Tensor(zeros: [4, 26])
        XCTAssertThrowsError(try b.load(wrong)) { error in
            XCTAssertEqual("\(error)", "tensor layers.4.weight: expected shape [4, 27], found [4, 26]")
        }
        var missing = a.namedTensors()
        missing["layers.1.running_var"] = nil
        XCTAssertThrowsError(try b.load(missing)) { XCTAssertEqual("\($0)", "tensor layers.1.running_var is missing") }
        var extra = a.namedTensors()
        extra["layers.9.weight"] = Tensor(zeros: [1])
        XCTAssertThrowsError(try b.load(extra)) {
            XCTAssertEqual("\($0)", "tensor layers.9.weight does not belong to this network")
        }
    }

    /// The first layer skips its input gradient by default (backward returns `Tensor.empty`); the
    /// parameter gradients are those of a network that does compute it, bit for bit; replicas
    /// copy the setting; asking for the input gradient gives a real one.
    func testFirstLayerSkipsItsInputGradientUnlessAsked() throws {
        let specs: [LayerSpec] = [.conv(.init(outChannels: 3, kernel: 3, padding: 1)), .activation(.tanh),
                                  .conv(.init(outChannels: 2, kernel: 3)), .flatten, .dense(.init(outputs: 4))]
        let net = try Network(specs: specs, inputShape: [2, 6, 6], rng: SplitMix64(seed: 3))
        XCTAssertFalse(net.needsInputGradient)
        XCTAssertFalse(net.layers[0].needsInputGradient)
        XCTAssertTrue(net.layers[2].needsInputGradient)
        let full = net.replica()
        XCTAssertFalse(full.layers[0].needsInputGradient)
        full.needsInputGradient = true
        XCTAssertTrue(full.layers[0].needsInputGradient)
        XCTAssertTrue(full.replica().layers[0].needsInputGradient)

        var rng = SplitMix64(seed: 4)
        let x = randomTensor([3, 2, 6, 6], &rng)
        let g = randomTensor([3, 4], &rng)
        func backward(_ network: Network) -> Tensor {
            network.zeroGradients()
            _ = network.forward(x, context: train)
            return network.backward(g)
        }
        let skipped = backward(net), computed = backward(full)
        XCTAssertEqual(skipped.count, 0, "no input gradient: an empty tensor, not zeros")
        XCTAssertEqual(computed.shape, [3, 2, 6, 6])
        XCTAssertGreaterThan(computed.storage.map(abs).max()!, 0)
        for (p, q) in zip(net.parameters, full.parameters) { XCTAssertEqual(p.grad, q.grad, p.name) }

        // The computed input gradient matches the rest of the chain: layer 1's input gradient pulled
        // back through layer 0 by a replica that computes it.
        let first = net.layers[0].replica()
        first.needsInputGradient = true
        _ = first.forward(x, context: train)
        _ = full.forward(x, context: train)
        XCTAssertEqual(first.backward(full.backward(g, downToLayer: 1)), computed)
    }

    func testProbabilitiesAreBatchedSoftmax() throws {
        let net = try Network(specs: [.conv(.init(outChannels: 2, kernel: 3)), .activation(.tanh), .flatten,
                                      .dense(.init(outputs: 3))], inputShape: [1, 4, 4], rng: SplitMix64(seed: 3))
        var rng = SplitMix64(seed: 4)
        let images = randomTensor([5, 1, 4, 4], &rng).storage
        let p = net.probabilities(images: images, count: 5, batchSize: 2)
        XCTAssertEqual(p.shape, [5, 3])
        XCTAssertEqual(net.probabilities(images: images, count: 5, batchSize: 64), p)
        let logits = net.forward(Tensor(shape: [5, 1, 4, 4], storage: images), context: .evaluation)
        for s in 0..<5 {
            let row = logits.storage[(s * 3)..<(s * 3 + 3)].map { Double($0) }
            let z = row.map { Foundation.exp($0) }.reduce(0, +)
            for k in 0..<3 { XCTAssertEqual(Double(p.storage[s * 3 + k]), Foundation.exp(row[k]) / z, accuracy: 1e-6) }
        }
    }

    func testWholeNetworkGradientCheckCoversEveryLayerKind() throws {
        // Two networks between them hold every layer kind. (Batch norm right after a global average
        // pool of sigmoids would see features that barely vary across the 4 samples; its output is
        // then so steep that no float32 difference step resolves it, so dense BN gets its own net.)
        let maps: [LayerSpec] = [
            .conv(.init(outChannels: 4, kernel: 3, stride: 2, padding: 1)), .batchNorm(), .activation(.elu(alpha: 1)),
            .maxPool(.init(kernel: 3, stride: 1)), .lecunSubsample(kernel: 2), .activation(.lecunTanh),
            .conv(.init(outChannels: 3, kernel: 2, connections: [[0, 1], [2, 3], [0, 3]])),
            .avgPool(.init(kernel: 2, stride: 1, padding: 1, countIncludePadding: false)),
            .activation(.sigmoid), .dropout(probability: 0.2), .globalAvgPool, .flatten,
            .dense(.init(outputs: 6)), .activation(.leakyReLU(slope: 0.1)), .dense(.init(outputs: 3)),
        ]
        let features: [LayerSpec] = [
            .conv(.init(outChannels: 3, kernel: 3, padding: 1)), .activation(.elu(alpha: 1)), .avgPool(.init(kernel: 2)),
            .flatten, .dense(.init(outputs: 8)), .batchNorm(), .activation(.tanh), .dropout(probability: 0.3),
            .dense(.init(outputs: 3)),
        ]
        for (seed, specs) in [(11, maps), (31, features)] {
            let net = try Network(specs: specs, inputShape: [2, 12, 12], rng: SplitMix64(seed: UInt64(seed)))
            var rng = SplitMix64(seed: UInt64(seed + 1))
            let images = randomTensor([4, 2, 12, 12], &rng).storage
            let before = net.namedTensors()
            let report = net.gradientCheck(images: images, labels: [0, 2, 1, 2], loss: SoftmaxCrossEntropy(),
                                           rng: SplitMix64(seed: 13))
            XCTAssertEqual(report.layers.count, specs.count)
            // Measured: worst 7.0e-3 (maps net, a scaled_tanh input), within the default tolerance 1e-2;
            // a wrong backward gives errors of order 1 (WholeNetworkGradientCheckTests).
            XCTAssertTrue(report.passed, "largest \(report.maximum)")
            for row in report.layers {
                XCTAssertLessThanOrEqual(row.maximum, 1e-2, "layer \(row.index) (\(row.kind))")
                XCTAssertGreaterThan(row.checked, 0, "layer \(row.index) (\(row.kind))")
            }
            XCTAssertLessThan(report.loss, 1e-3)
            XCTAssertEqual(net.namedTensors(), before, "the check runs on a replica")
        }
    }

    func testLeNet5GradientCheck() throws {
        let net = try Network(specs: LeNet.lenet5(), inputShape: [1, 32, 32], rng: SplitMix64(seed: 21))
        var rng = SplitMix64(seed: 22)
        let images = randomTensor([2, 1, 32, 32], &rng).storage
        let report = net.gradientCheck(images: images, labels: [3, 7], loss: SoftmaxCrossEntropy(), rng: rng,
                                       maxEntries: 6)
        // Measured: worst 8.1e-3 (C1-side tanh, float32 rounding through 13 layers).
        for row in report.layers { XCTAssertLessThan(row.maximum, 2e-2, "layer \(row.index) (\(row.kind))") }
        XCTAssertGreaterThan(report.layers[4].parameters, 0, "C3's weights were checked")
    }
}
