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
        let fx0 = x.rounded(.down), fy0 = y.rounded(.down)
        let x0 = Int(fx0), y0 = Int(fy0)
        let tx = x - fx0, ty = y - fy0
        let v00 = read(plane, x0, y0), v01 = read(plane, x0 + 1, y0)
        let v10 = read(plane, x0, y0 + 1), v11 = read(plane, x0 + 1, y0 + 1)
        let top = v00 + tx * (v01 - v00)
        let bottom = v10 + tx * (v11 - v10)
        return top + ty * (bottom - top)
    }

    @inlinable func read(_ plane: UnsafePointer<Float>, _ x: Int, _ y: Int) -> Float {
        (x >= 0 && x < width && y >= 0 && y < height) ? plane[y * width + x] : fill
    }
}
