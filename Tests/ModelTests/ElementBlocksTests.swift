import XCTest
@testable import WorkbenchModel

final class ElementBlocksTests: XCTestCase {
    /// Blocks cover every element of every array exactly once, in order, none longer than the
    /// block size, each inside one array; they are rebuilt when the sizes change.
    func testBlocksCoverEveryElementOnceInOrder() {
        var blocks = ElementBlocks()
        for counts in [[10_000, 4096, 7, 0, 1], [8192], [], [4097, 4095]] {
            blocks.cover(counts: counts)
            XCTAssertEqual(blocks.counts, counts)
            var next = [Int](repeating: 0, count: counts.count), lastArray = 0
            for (array, elements) in blocks.blocks {
                XCTAssertGreaterThanOrEqual(array, lastArray, "in array order")
                XCTAssertEqual(elements.lowerBound, next[array], "contiguous, in order")
                XCTAssertLessThanOrEqual(elements.count, ElementBlocks.size)
                XCTAssertFalse(elements.isEmpty)
                next[array] = elements.upperBound
                lastArray = array
            }
            XCTAssertEqual(next, counts, "every element covered")
        }
        blocks.cover(counts: [10_000, 4096, 7])
        XCTAssertEqual(blocks.blocks.map(\.elements), [0..<4096, 4096..<8192, 8192..<10_000, 0..<4096, 0..<7])
    }
}
