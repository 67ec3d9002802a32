#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import XCTest
@testable import WorkbenchModel

final class WorkerPoolTests: XCTestCase {
    /// Every iteration runs exactly once, for loops shorter and longer than the thread count and
    /// many loops in a row (the workers go from spinning straight to the next loop's iterations).
    /// The counts are plain writes, one slot per iteration, read after `run`: an iteration run
    /// twice would count 2 (and be a data race for the thread sanitizer).
    func testEveryIterationRunsOnce() {
        for threads in [1, 2, 3, 8] {
            let pool = WorkerPool(threads: threads, processors: 8)
            XCTAssertEqual(pool.threads, threads)
            for iterations in [0, 1, 2, 5, 64] {
                for _ in 0..<50 {
                    var hits = [Int](repeating: 0, count: iterations)
                    hits.withUnsafeMutableBufferPointer { hits in pool.run(iterations) { i in hits[i] += 1 } }
                    XCTAssertEqual(hits, [Int](repeating: 1, count: iterations),
                                   "threads \(threads), iterations \(iterations)")
                }
            }
        }
    }

    /// `run` returns only after every iteration's writes are done: the caller reads them all, over
    /// loops of uneven iterations (so the threads finish at different times).
    func testRunWaitsForAllIterations() {
        func work(_ i: Int, _ round: Int) -> Int {
            var s = 0
            for k in 0..<(1000 * (i + 1)) { s &+= k ^ round }
            return s
        }
        let pool = WorkerPool(threads: 2)
        var sums = [Int](repeating: 0, count: 8)
        for round in 1...300 {
            sums.withUnsafeMutableBufferPointer { out in
                pool.run(8) { i in out[i] = work(i, round) }
            }
            XCTAssertEqual(sums, (0..<8).map { work($0, round) }, "round \(round)")
        }
    }

    /// With two threads, the caller takes iterations from the front and the worker from the back:
    /// when the worker is slow to start, the caller runs the first ones; every iteration still runs.
    func testCallerTakesIterationsFromTheFront() {
        let pool = WorkerPool(threads: 2)
        let caller = pthread_self()
        for _ in 0..<20 {
            var byCaller = [Bool](repeating: false, count: 6)
            byCaller.withUnsafeMutableBufferPointer { byCaller in
                pool.run(6) { i in
                    byCaller[i] = pthread_equal(pthread_self(), caller) != 0
                    usleep(2000)
                }
            }
            // The caller's iterations are a prefix of 0..<6.
            let mine = byCaller.prefix { $0 }.count
            XCTAssertEqual(byCaller, (0..<6).map { $0 < mine })
        }
    }

    /// The claim word's loop tag repeats after `tagPeriod` loops; past that point the caller still
    /// takes iterations (a tag reaching the word's sign bit once made it take none) and every
    /// iteration still runs once.
    func testLoopsPastTheTagPeriod() {
        let pool = WorkerPool(threads: 2, processors: 2)
        let caller = pthread_self()
        for _ in 0..<WorkerPool.tagPeriod { pool.run(2) { _ in } }
        var byCaller = 0
        for _ in 0..<10 {  // the first of them crosses the repeat
            var ran = [Int](repeating: 0, count: 8), mine = [Bool](repeating: false, count: 8)
            ran.withUnsafeMutableBufferPointer { ran in
                mine.withUnsafeMutableBufferPointer { mine in
                    pool.run(8) { i in
                        ran[i] += 1
                        mine[i] = pthread_equal(pthread_self(), caller) != 0
                        usleep(300)
                    }
                }
            }
            XCTAssertEqual(ran, [Int](repeating: 1, count: 8))
            byCaller += mine.filter { $0 }.count
        }
        XCTAssertGreaterThan(byCaller, 0, "the caller took no iteration")
    }

    /// A loop longer than one claim word can count runs as several: every iteration still once.
    func testLoopLongerThanOneClaimWord() {
        let pool = WorkerPool(threads: 2, processors: 2)
        let n = 2 * WorkerPool.maxIterations + 5
        var hits = [UInt8](repeating: 0, count: n)
        hits.withUnsafeMutableBufferPointer { hits in pool.run(n) { i in hits[i] &+= 1 } }
        XCTAssertEqual(hits.firstIndex { $0 != 1 }, nil)
    }

    /// More threads than processors are not started.
    func testThreadsAreCappedAtProcessors() {
        XCTAssertEqual(WorkerPool(threads: 8, processors: 2).threads, 2)
        XCTAssertEqual(WorkerPool(threads: 1, processors: 2).threads, 1)
        XCTAssertEqual(WorkerPool(threads: 3, processors: 0).threads, 1)
    }

    /// Workers that parked (no loop for longer than the spin limit) wake for the next loop, and
    /// pools are torn down without leaving threads behind (deinit joins them).
    func testParkedWorkersWakeAndPoolsStop() {
        let pool = WorkerPool(threads: 3, processors: 3)
        for _ in 0..<3 {
            usleep(UInt32(WorkerPool.spinLimit / 1000) * 4)
            var ranOn = [UInt](repeating: 0, count: 12)
            ranOn.withUnsafeMutableBufferPointer { ranOn in
                pool.run(12) { i in
                    ranOn[i] = UInt(pthread_self())
                    usleep(5000)
                }
            }
            XCTAssertFalse(ranOn.contains(0))
            // 12 iterations of 5 ms on 3 threads: a worker that failed to wake would leave them all
            // to the others; more than one thread must have taken part.
            XCTAssertGreaterThan(Set(ranOn).count, 1)
        }
        for _ in 0..<20 {
            let shortLived = WorkerPool(threads: 2)
            let done = Atomic<Int>(0)
            shortLived.run(4) { _ in done.wrappingAdd(1, ordering: .relaxed) }
            XCTAssertEqual(done.load(ordering: .relaxed), 4)
        }
    }
}
