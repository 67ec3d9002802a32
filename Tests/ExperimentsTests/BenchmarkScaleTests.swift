import XCTest
@testable import WorkbenchExperiments

/// The benchmark's vectorised batch gather gives exactly the scalar Float(byte) / 255.
final class BenchmarkScaleTests: XCTestCase {
    func testScaleMatchesTheScalarDivisionForEveryByteAndTail() {
        let bytes = (0..<(256 + 16 + 7)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        for count in [0, 5, 16, 17, 256, bytes.count] {
            var out = [Float](repeating: -1, count: bytes.count)
            bytes.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in Benchmark.scale(src.baseAddress!, dst.baseAddress!, count) }
            }
            XCTAssertEqual(Array(out[..<count]), bytes[..<count].map { Float($0) / 255 }, "count \(count)")
            XCTAssertTrue(out[count...].allSatisfy { $0 == -1 }, "nothing written past \(count)")
        }
    }
}
