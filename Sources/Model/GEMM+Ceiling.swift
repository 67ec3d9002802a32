import COpenBLAS
import Dispatch
import Foundation

/// What the linked OpenBLAS is and how fast its single-precision GEMM runs here.
///
/// The ceiling is measured the way the `Trainer` uses BLAS: `threads` workers each run their own
/// single-threaded `cblas_sgemm` at the same time (one level of threading, BLAS pinned to one
/// thread), so "percent of the GEMM ceiling" compares like with like.
public enum BLASInfo {
    /// The kernel family OpenBLAS chose at start-up (`openblas_get_corename()`), e.g. "Haswell",
    /// "SkylakeX" or "Prescott" (its generic SSE3 fallback for CPUs it does not recognise).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string (`openblas_get_config()`), including its version.
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text).trimmingCharacters(in: .whitespaces)
    }

    /// Best-of-`repeats` GFLOP/s of `threads` concurrent single-threaded products C = A·B of
    /// `size`×`size` matrices (2·size³ floating-point operations each).
    public static func measureGEMMCeiling(size: Int = 768, threads: Int, repeats: Int = 5) -> Double {
        precondition(size > 0 && threads >= 1 && repeats >= 1,
                     "measureGEMMCeiling needs size, threads, repeats ≥ 1, got \(size), \(threads), \(repeats)")
        let count = size * size
        final class Work: @unchecked Sendable {
            var a: [[Float]], b: [[Float]], c: [[Float]]
            init(threads: Int, count: Int) {
                a = (0..<threads).map { t in (0..<count).map { Float(($0 &* 7 &+ t) % 13) / 13 - 0.5 } }
                b = (0..<threads).map { t in (0..<count).map { Float(($0 &* 5 &+ t) % 11) / 11 - 0.5 } }
                c = Array(repeating: [Float](repeating: 0, count: count), count: threads)
            }
        }
        let work = Work(threads: threads, count: count)
        func product(_ t: Int) {
            work.a[t].withUnsafeBufferPointer { a in
                work.b[t].withUnsafeBufferPointer { b in
                    work.c[t].withUnsafeMutableBufferPointer { c in
                        GEMM.multiply(transposeA: false, transposeB: false, m: size, n: size, k: size,
                                      a: a.baseAddress!, lda: size, b: b.baseAddress!, ldb: size,
                                      beta: 0, c: c.baseAddress!, ldc: size)
                    }
                }
            }
        }
        for t in 0..<threads { product(t) }  // warm-up: pages, caches, OpenBLAS buffers
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            if threads == 1 {
                product(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: threads) { product($0) }
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return Double(threads) * 2 * Double(size * size * size) / best / 1e9
    }
}
