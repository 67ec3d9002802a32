/// Reads an image at real-valued positions by bilinear interpolation, for warps (affine, elastic).
///
/// Pixel centres sit at integer coordinates; neighbours outside the image read as `fill`, so the
/// border blends into the fill value, and positions at or beyond one pixel outside read `fill`.
/// The sampler keeps a copy of the image with a one-pixel ring of `fill` around each channel, so
/// every in-range position has its four neighbours in memory and the inner loop has no border
/// cases. At integer positions the result is the stored sample exactly (the interpolation is
/// written as `a + t * (b - a)`, which is `a` when `t == 0`), which makes identity and quarter-turn
/// warps pure index permutations.
struct BilinearSampler {
    let channels: Int
    let height: Int
    let width: Int
    let fill: Float
    /// `channels × (height + 2) × (width + 2)`: the image inside a ring of `fill`.
    private var padded: [Float]

    init(_ image: Image, fill: Float) {
        channels = image.channels
        height = image.height
        width = image.width
        self.fill = fill
        let (h, w, pw) = (image.height, image.width, image.width + 2)
        var padded = [Float](repeating: fill, count: image.channels * (h + 2) * pw)
        image.pixels.withUnsafeBufferPointer { src in
            padded.withUnsafeMutableBufferPointer { dst in
                for c in 0..<image.channels {
                    for y in 0..<h {
                        let from = (c * h + y) * w
                        let to = (c * (h + 2) + y + 1) * pw + 1
                        for x in 0..<w { dst[to + x] = src[from + x] }
                    }
                }
            }
        }
        self.padded = padded
    }

    /// Writes `output(c, y, x) = input(c, source(x, y))` for every pixel into `output`, which has
    /// the image's shape.
    @inline(__always)
    func resample(into output: inout [Float], source: (_ x: Int, _ y: Int) -> (x: Float, y: Float)) {
        precondition(output.count == channels * height * width,
                     "resample output has \(output.count) samples, expected \(channels * height * width)")
        let (h, w, pw) = (height, width, width + 2)
        let planeIn = (h + 2) * pw
        let planeOut = h * w
        let (limitX, limitY) = (Float(w + 1), Float(h + 1))
        padded.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                let base = src.baseAddress!
                for y in 0..<h {
                    for x in 0..<w {
                        let (sx, sy) = source(x, y)
                        // Padded coordinates; the ring makes (0, w + 1) × (0, h + 1) safe (NaN fails).
                        let px = sx + 1
                        let py = sy + 1
                        let out = y &* w &+ x
                        guard px > 0 && px < limitX && py > 0 && py < limitY else {
                            for c in 0..<channels { dst[c &* planeOut &+ out] = fill }
                            continue
                        }
                        let x0 = Int(px)  // floor, as px > 0
                        let y0 = Int(py)
                        let tx = px - Float(x0)
                        let ty = py - Float(y0)
                        var q = base + (y0 &* pw &+ x0)
                        for c in 0..<channels {
                            let top = q[0] + tx * (q[1] - q[0])
                            let bottom = q[pw] + tx * (q[pw &+ 1] - q[pw])
                            dst[c &* planeOut &+ out] = top + ty * (bottom - top)
                            q += planeIn
                        }
                    }
                }
            }
        }
    }

    /// The interpolated value of channel `c` at one position (for tests and one-off reads).
    func sample(channel c: Int, x: Float, y: Float) -> Float {
        var single = [Float](repeating: 0, count: channels * height * width)
        resample(into: &single) { _, _ in (x, y) }
        return single[c * height * width]
    }
}
