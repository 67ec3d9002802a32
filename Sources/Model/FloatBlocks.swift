/// Element-wise loops eight floats at a time on `SIMD8<Float>`: whole blocks are loaded and stored
/// directly; the last, partial block is padded with zeros and only its real lanes are stored. Each
/// lane computes exactly what a scalar loop would (same operations, same order), so results do not
/// change; only the compiler's freedom to vectorise does.
enum FloatBlocks {
    /// Calls `body(i, n)` for i = 0, 8, 16, ... with n = min(8, count − i) real lanes.
    @inline(__always)
    static func forEach(count: Int, _ body: (_ start: Int, _ lanes: Int) -> Void) {
        var i = 0
        while i < count {
            body(i, min(8, count - i))
            i += 8
        }
    }

    /// Elements start..<start + lanes of `p`, zero-padded to eight.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ start: Int, _ lanes: Int) -> SIMD8<Float> {
        if lanes == 8 { return UnsafeRawPointer(p + start).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>()
        for k in 0..<lanes { v[k] = p[start + k] }
        return v
    }

    /// Stores the first `lanes` lanes of `v` at p[start...].
    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ start: Int, _ lanes: Int) {
        if lanes == 8 {
            UnsafeMutableRawPointer(p + start).storeBytes(of: v, as: SIMD8<Float>.self)
            return
        }
        for k in 0..<lanes { p[start + k] = v[k] }
    }
}
