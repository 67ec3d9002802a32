@testable import WorkbenchModel
import WorkbenchRandom
import XCTest

/// A network lets a 2×2 stride-2 max pool apply the ReLU just before it; outputs and gradients
/// must be bit for bit those of the two layers run separately.
final class ReLUMaxPoolFusionTests: XCTestCase {
    func testFusedPairEqualsReLUThenPoolBitForBit() throws {
        var rng = SplitMix64(seed: 21)
        for shape in [[2, 3, 8, 12], [1, 2, 5, 7], [3, 1, 2, 6]] {
            let net = try Network(specs: [.activation(.relu), .maxPool(.init(kernel: 2))],
                                  inputShape: Array(shape.dropFirst()), rng: SplitMix64(seed: 1))
            net.needsInputGradient = true
            XCTAssertTrue((net.layers[0] as! ActivationLayer).isAppliedByNextLayer)
            XCTAssertTrue((net.layers[1] as! MaxPool2D).appliesReLU)
            let relu = ActivationLayer(.relu), pool = MaxPool2D(kernel: 2)
            let count = shape.reduce(1, *)
            // Values from {-1.5, -0.5, -0, 0, 0.5, 1.5}: many all-negative windows, zeros of both
            // signs and ties.
            let palette: [Float] = [-1.5, -0.5, -0.0, 0, 0.5, 1.5]
            let x = Tensor(shape: shape, storage: (0..<count).map { _ in palette[rng.nextInt(below: 6)] })
            for replica in [net, net.replica()] {
                let fused = replica.forward(x, context: train)
                let separate = pool.forward(relu.forward(x, context: train), context: train)
                XCTAssertEqual(fused.shape, separate.shape)
                XCTAssertEqual(fused.storage.map(\.bitPattern), separate.storage.map(\.bitPattern), "\(shape)")
                // Negative gradients too: a window without a positive cell must give −0 (dy·0).
                let dy = Tensor(shape: fused.shape, storage: (0..<fused.count).map { _ in
                    Float(rng.nextInt(below: 7)) - 3 })
                let dxFused = replica.backward(dy), dxSeparate = relu.backward(pool.backward(dy))
                XCTAssertEqual(dxFused.shape, shape)
                XCTAssertEqual(dxFused.storage.map(\.bitPattern), dxSeparate.storage.map(\.bitPattern), "\(shape)")
            }
        }
    }

    func testOnlyReLUBeforeAPairPoolIsFused() throws {
        let net = try Network(specs: [
            .activation(.relu), .maxPool(.init(kernel: 2, stride: 1)),
            .activation(.relu), .avgPool(.init(kernel: 2)),
            .activation(.tanh), .maxPool(.init(kernel: 2)),
            .activation(.relu), .maxPool(.init(kernel: 2)),
        ], inputShape: [1, 16, 16], rng: SplitMix64(seed: 1))
        let fused = net.layers.map { layer -> Bool in
            (layer as? ActivationLayer)?.isAppliedByNextLayer ?? (layer as? MaxPool2D)?.appliesReLU ?? false
        }
        XCTAssertEqual(fused, [false, false, false, false, false, false, true, true])
    }
}
