import Synchronization
import XCTest
@testable import WorkbenchModel

final class WorkerPoolTests: XCTestCase {
    /// Every iteration runs exactly once, for loops shorter and longer than the thread count,
    /// many loops in a row (the workers go from spinning to taking work without parking).
    func testEveryIterationRunsOnce() {
        for threads in [1, 2, 3, 8] {
            let pool = WorkerPool(threads: threads)
            for iterations in [0, 1, 2, 5, 64] {
                for _ in 0..<50 {
                    let hits = Mutex([Int](repeating: 0, count: iterations))
                    pool.run(iterations) { i in hits.withLock { $0[i] += 1 } }
                    let counts = hits.withLock { $0 }
                    XCTAssertEqual(counts, [Int](repeating: 1, count: iterations),
                                   "threads \(threads), iterations \(iterations)")
                }
            }
        }
    }

    /// `run` returns only after every iteration's writes are done: the caller reads them all.
    func testRunWaitsForAllIterations() {
        let pool = WorkerPool(threads: 2)
        var sums = [Int](repeating: 0, count: 8)
        for round in 1...200 {
            sums.withUnsafeMutableBufferPointer { out in
                pool.run(8) { i in
                    var s = 0
                    for k in 0..<(1000 * (i + 1)) { s &+= k ^ round }
                    out[i] = s
                }
            }
            for i in 0..<8 {
                var s = 0
                for k in 0..<(1000 * (i + 1)) { s &+= k ^ round }
                XCTAssertEqual(sums[i], s, "round \(round), iteration \(i)")
            }
        }
    }

    /// Workers that parked (no loop for longer than the spin limit) wake for the next loop, and
    /// pools are torn down without leaving threads behind (deinit joins them).
    func testParkedWorkersWakeAndPoolsStop() {
        let pool = WorkerPool(threads: 3)
        for _ in 0..<3 {
            usleep(UInt32(WorkerPool.spinLimit / 1000) * 3)
            let threadsSeen = Mutex<Set<UInt>>([])
            let done = Atomic<Int>(0)
            pool.run(12) { _ in
                threadsSeen.withLock { _ = $0.insert(UInt(pthread_self())) }
                usleep(5000)
                done.wrappingAdd(1, ordering: .relaxed)
            }
            XCTAssertEqual(done.load(ordering: .relaxed), 12)
            // 12 iterations of 5 ms with 3 threads: a worker that failed to wake would leave it all
            // to the others; more than one thread must have taken part.
            XCTAssertGreaterThan(threadsSeen.withLock { $0.count }, 1)
        }
        for _ in 0..<20 {
            let shortLived = WorkerPool(threads: 2)
            let done = Atomic<Int>(0)
            shortLived.run(4) { _ in done.wrappingAdd(1, ordering: .relaxed) }
            XCTAssertEqual(done.load(ordering: .relaxed), 4)
        }
    }
}
