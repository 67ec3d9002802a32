import WorkbenchModel
import WorkbenchRandom
import XCTest

/// The 2×2 stride-2 max pool has its own branch-free path; it must agree with a plain first-maximum
/// scan (the rule `KinkPattern` and the general path use) on inputs full of ties, for even and odd sizes.
final class MaxPoolPairPathTests: XCTestCase {
    /// Brute force: for every window the flat index of its first largest cell in row-major order.
    private func referenceWinners(_ x: Tensor) -> [Int] {
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        var winners: [Int] = []
        for plane in 0..<planes {
            for oy in 0..<(h / 2) {
                for ox in 0..<(w / 2) {
                    var winner = -1
                    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        let i = plane * h * w + (2 * oy + dy) * w + 2 * ox + dx
                        if winner < 0 || x.storage[i] > x.storage[winner] { winner = i }
                    }
                    winners.append(winner)
                }
            }
        }
        return winners
    }

    func testMatchesFirstMaximumScanWithTies() {
        var rng = SplitMix64(seed: 11)
        let pool = MaxPool2D(kernel: 2)
        // Odd sizes leave a last row/column outside every window; run twice so a reused gradient
        // buffer must still come back zero there.
        for shape in [[2, 3, 6, 8], [1, 2, 5, 7], [2, 3, 6, 8], [1, 2, 5, 7], [1, 1, 2, 34]] {
            let count = shape.reduce(1, *)
            // Values from {-2, -1, 0, 1}: most windows hold ties.
            let x = Tensor(shape: shape, storage: (0..<count).map { _ in Float(rng.nextInt(below: 4)) - 2 })
            let winners = referenceWinners(x)
            let y = pool.forward(x, context: train)
            XCTAssertEqual(y.shape, [shape[0], shape[1], shape[2] / 2, shape[3] / 2])
            XCTAssertEqual(y.storage, winners.map { x.storage[$0] })
            let dy = Tensor(shape: y.shape, storage: (0..<y.count).map { Float($0 + 1) })
            var expected = [Float](repeating: 0, count: count)
            for (o, i) in winners.enumerated() { expected[i] = dy.storage[o] }
            let dx = pool.backward(dy)
            XCTAssertEqual(dx.shape, shape)
            XCTAssertEqual(dx.storage, expected, "shape \(shape)")
        }
    }

    func testNaNNeverWinsAgainstTheFirstCell() {
        // A strict `>` scan keeps the first cell when a later one is NaN; a NaN first cell stays.
        let pool = MaxPool2D(kernel: 2)
        let x = Tensor(shape: [1, 1, 2, 4], storage: [1, .nan, .nan, 2, .nan, 0, 5, 4])
        let y = pool.forward(x, context: train)
        XCTAssertEqual(y.storage[0], 1)
        XCTAssertTrue(y.storage[1].isNaN)
        let dx = pool.backward(Tensor(shape: [1, 1, 1, 2], storage: [7, 9]))
        XCTAssertEqual(dx.storage, [7, 0, 9, 0, 0, 0, 0, 0])
    }
}
