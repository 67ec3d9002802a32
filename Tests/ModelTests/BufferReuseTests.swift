import WorkbenchModel
import WorkbenchRandom
import XCTest

/// In steady state a layer writes its output and input gradient into the storage it returned last
/// time (`Tensor.take`): a second forward and backward of the same shape, after the caller has let
/// go of the first results, must hand back the same buffers.
///
/// Between the two calls the test allocates arrays of the same sizes. A layer that let go of its
/// buffers (and would allocate new ones) leaves those blocks free, the arrays take them, and its
/// new buffers land elsewhere, so the check fails instead of passing by malloc's reuse of a freed
/// block. It cannot see short-lived allocations (e.g. a shape array literal built and freed within
/// a call); `benchmarks/allocations` counts those.
final class BufferReuseTests: XCTestCase {
    private func address(_ tensor: Tensor) -> UnsafeRawPointer? {
        tensor.storage.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    private func assertReusesBuffers(
        _ layer: Layer, input: Tensor, context: ForwardContext = train, backward: Bool = true,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        var rng = SplitMix64(seed: 11)
        var output = layer.forward(input, context: context)
        let gradOutput = randomTensor(output.shape, &rng)
        var gradInput = backward ? layer.backward(gradOutput) : .empty
        let first = (address(output), address(gradInput))
        let counts = (output.count, gradInput.count)
        output = .empty
        gradInput = .empty
        let decoys = [[Float](repeating: 1, count: counts.0), [Float](repeating: 1, count: counts.1)]
        layer.releaseInput()  // as `Network.forward` does
        output = layer.forward(input, context: context)
        if backward { gradInput = layer.backward(gradOutput) }
        withExtendedLifetime(decoys) {
            XCTAssertEqual(address(output), first.0, "\(layer.kind): new output storage", file: file, line: line)
            if backward {
                XCTAssertEqual(address(gradInput), first.1, "\(layer.kind): new input-gradient storage",
                               file: file, line: line)
            }
        }
    }

    func testConvolutionAndDenseReuseTheirBuffers() {
        var rng = SplitMix64(seed: 1)
        let image = randomTensor([4, 3, 12, 12], &rng)
        let conv = Conv2D(name: "c", inChannels: 3, outChannels: 5, kernel: (3, 3), padding: 1)
        randomizeParameters(conv, &rng)
        assertReusesBuffers(conv, input: image)
        let table = Conv2D(name: "t", inChannels: 3, outChannels: 2, kernel: (5, 5), connections: [[0], [1, 2]])
        randomizeParameters(table, &rng)
        assertReusesBuffers(table, input: image)
        let dense = Dense(name: "d", inputs: 3 * 12 * 12, outputs: 7)
        randomizeParameters(dense, &rng)
        assertReusesBuffers(dense, input: image)
    }

    func testPoolingReusesItsBuffers() {
        var rng = SplitMix64(seed: 2)
        let image = distinctTensor([4, 3, 12, 12], &rng)
        assertReusesBuffers(MaxPool2D(kernel: 2), input: image)
        assertReusesBuffers(MaxPool2D(kernel: 3, stride: 2, padding: 1), input: image)
        assertReusesBuffers(AvgPool2D(kernel: 2, padding: 1, countIncludePadding: false), input: image)
        assertReusesBuffers(GlobalAvgPool(), input: image)
        let subsampling = LeCunSubsampling(name: "s", channels: 3, kernel: 2)
        randomizeParameters(subsampling, &rng)
        assertReusesBuffers(subsampling, input: image)
    }

    func testActivationsBatchNormAndDropoutReuseTheirBuffers() {
        var rng = SplitMix64(seed: 3)
        let image = randomTensor([4, 3, 6, 6], &rng)
        for activation in [Activation.relu, .lecunTanh, .elu(alpha: 1)] {
            assertReusesBuffers(ActivationLayer(activation), input: image)
        }
        let maps = BatchNorm(name: "b", channels: 3)
        assertReusesBuffers(maps, input: image)
        assertReusesBuffers(maps, input: image, context: .evaluation)
        assertReusesBuffers(BatchNorm(name: "f", channels: 10), input: randomTensor([4, 10], &rng))
        let dropout = ForwardContext(training: true, random: SplitMix64(seed: 4), layerIndex: 1)
        assertReusesBuffers(Dropout(probability: 0.5), input: image, context: dropout)
    }

    /// A whole network's output, with its layers' caches released by `forward` itself; the first
    /// convolution returns no input gradient (`needsInputGradient` is false).
    func testNetworkOutputIsReused() throws {
        var rng = SplitMix64(seed: 5)
        let network = try Network(specs: [
            .conv(.init(outChannels: 4, kernel: 3, padding: 1)), .batchNorm(), .activation(.relu),
            .maxPool(.init(kernel: 2)), .flatten, .dense(.init(outputs: 10)),
        ], inputShape: [1, 8, 8], rng: SplitMix64(seed: 6))
        let image = randomTensor([4, 1, 8, 8], &rng)
        var output = network.forward(image, context: train)
        network.backward(randomTensor(output.shape, &rng))
        let first = address(output)
        output = .empty
        let decoy = [Float](repeating: 1, count: 40)
        output = network.forward(image, context: train)
        withExtendedLifetime(decoy) { XCTAssertEqual(address(output), first) }
    }
}
