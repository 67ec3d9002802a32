/// Bilinear resampling with half-pixel centres (the convention of OpenCV's `INTER_LINEAR` and
/// PyTorch's `interpolate(..., align_corners=False)`): output pixel `x` samples the input at
/// `(x + 0.5) · inWidth / outWidth − 0.5`, clamped to the edge. No antialiasing filter, so strong
/// downscaling aliases; same-size resizing returns the image unchanged.
public enum BilinearResize {
    /// Resizes every channel of `image` to `height` × `width`.
    public static func resize(_ image: Image, height: Int, width: Int) -> Image {
        precondition(height > 0 && width > 0, "resize target must be positive, got \(height)x\(width)")
        if image.height == height && image.width == width { return image }
        let xs = taps(from: image.width, to: width)
        let ys = taps(from: image.height, to: height)
        var out = [Float](repeating: 0, count: image.channels * height * width)
        image.pixels.withUnsafeBufferPointer { src in
            for c in 0 ..< image.channels {
                let plane = c * image.height * image.width
                for (oy, ty) in ys.enumerated() {
                    let row0 = plane + ty.i0 * image.width
                    let row1 = plane + ty.i1 * image.width
                    let base = (c * height + oy) * width
                    for (ox, tx) in xs.enumerated() {
                        let top = src[row0 + tx.i0] * (1 - tx.w) + src[row0 + tx.i1] * tx.w
                        let bottom = src[row1 + tx.i0] * (1 - tx.w) + src[row1 + tx.i1] * tx.w
                        out[base + ox] = top * (1 - ty.w) + bottom * ty.w
                    }
                }
            }
        }
        return Image(channels: image.channels, height: height, width: width, pixels: out)
    }

    /// For each output coordinate: the two input neighbours and the weight of the second.
    private static func taps(from input: Int, to output: Int) -> [(i0: Int, i1: Int, w: Float)] {
        let scale = Double(input) / Double(output)
        return (0 ..< output).map { o in
            let x = min(max((Double(o) + 0.5) * scale - 0.5, 0), Double(input - 1))
            let i0 = Int(x)
            return (i0, min(i0 + 1, input - 1), Float(x - Double(i0)))
        }
    }
}
