/// Reads one channel plane at a real-valued position by bilinear interpolation.
///
/// Pixel centres sit at integer coordinates; neighbours outside the plane read as `fill`, so the
/// border blends into the fill value. At integer positions the result is the stored sample exactly
/// (the interpolation is written as `a + t * (b - a)`, which is `a` when `t == 0`), which makes
/// identity and quarter-turn warps pure index permutations.
@usableFromInline struct BilinearSampler {
    @usableFromInline let height: Int
    @usableFromInline let width: Int
    @usableFromInline let fill: Float

    @inlinable init(height: Int, width: Int, fill: Float) {
        self.height = height
        self.width = width
        self.fill = fill
    }

    @inlinable func sample(_ plane: UnsafePointer<Float>, x: Float, y: Float) -> Float {
        // Far outside (also NaN-safe): nothing to blend.
        guard x > -1 && x < Float(width) && y > -1 && y < Float(height) else { return fill }
        // floor without a libm call: x + 1 > 0 truncates to floor(x + 1); fix the rare rounding up.
        // (Wrapping integer arithmetic: every value here is a small pixel index.)
        var x0 = Int(x + 1) &- 1
        var y0 = Int(y + 1) &- 1
        if Float(x0) > x { x0 &-= 1 }
        if Float(y0) > y { y0 &-= 1 }
        let tx = x - Float(x0)
        let ty = y - Float(y0)
        let v00: Float
        let v01: Float
        let v10: Float
        let v11: Float
        // Interior (one unsigned compare per axis also rejects x0 = -1): read the 2×2 block directly.
        if UInt(bitPattern: x0) < UInt(bitPattern: width &- 1)
            && UInt(bitPattern: y0) < UInt(bitPattern: height &- 1)
        {
            let p = plane + (y0 &* width &+ x0)
            (v00, v01, v10, v11) = (p[0], p[1], p[width], p[width &+ 1])
        } else {
            (v00, v01) = (read(plane, x0, y0), read(plane, x0 &+ 1, y0))
            (v10, v11) = (read(plane, x0, y0 &+ 1), read(plane, x0 &+ 1, y0 &+ 1))
        }
        let top = v00 + tx * (v01 - v00)
        let bottom = v10 + tx * (v11 - v10)
        return top + ty * (bottom - top)
    }

    @inlinable func read(_ plane: UnsafePointer<Float>, _ x: Int, _ y: Int) -> Float {
        (x >= 0 && x < width && y >= 0 && y < height) ? plane[y &* width &+ x] : fill
    }
}
