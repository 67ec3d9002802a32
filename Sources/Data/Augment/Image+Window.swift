extension Image {
    /// The `height`×`width` window of this image whose top-left corner is at (`top`, `left`); where
    /// the window reaches past the image (negative offsets, or beyond the far edge) it holds `fill`.
    /// Shared by the random crop and its evaluation counterpart, the centre crop.
    func window(top: Int, left: Int, height: Int, width: Int, fill: Float) -> Image {
        let h = self.height, w = self.width, c = channels
        // Source columns [x0, x1) of each output row land inside the image; the rest is fill.
        let x0 = max(0, -left)
        let x1 = min(width, w - left)
        var out = [Float](repeating: fill, count: c * height * width)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for ch in 0..<c {
                    for y in 0..<height {
                        let sy = y + top
                        guard sy >= 0 && sy < h && x0 < x1 else { continue }
                        let s = (ch * h + sy) * w + left
                        let d = (ch * height + y) * width
                        for x in x0..<x1 { dst[d + x] = src[s + x] }
                    }
                }
            }
        }
        return Image(channels: c, height: height, width: width, pixels: out)
    }
}
