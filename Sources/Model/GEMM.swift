import COpenBLAS

/// The one boundary to OpenBLAS: row-major single-precision matrix products.
///
/// OpenBLAS is pinned to one thread the first time it is used, because workbench's own worker
/// threads (one per chunk of a batch) are the single level of parallelism; nested BLAS threads
/// would oversubscribe the cores and make timing-dependent reductions possible.
enum GEMM {
    private static let singleThreaded: Void = { openblas_set_num_threads(1) }()

    /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major. op(A) is m×k, op(B) is k×n;
    /// `lda`/`ldb`/`ldc` are the row strides of the matrices as stored.
    static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        _ = singleThreaded
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM sizes must be non-negative, got m=\(m) n=\(n) k=\(k)")
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
}

extension Tensor {
    /// Matrix product of two 2-D tensors, [m, k] × [k, n] → [m, n], through OpenBLAS.
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(shape.count == 2 && other.shape.count == 2 && shape[1] == other.shape[0],
                     "matmul needs [m, k] × [k, n], got \(shape) × \(other.shape)")
        let m = shape[0], k = shape[1], n = other.shape[1]
        var result = Tensor(zeros: [m, n])
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                result.storage.withUnsafeMutableBufferPointer { c in
                    GEMM.multiply(transposeA: false, transposeB: false, m: m, n: n, k: k,
                                  a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                                  beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return result
    }
}
