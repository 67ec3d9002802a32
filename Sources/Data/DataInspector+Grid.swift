extension DataInspector {
    /// Writes the first `count` images of an IDX images file, PNG or image folder as one PNG grid
    /// for a person to look at: 8-bit grey for 1-channel images, RGB for 3, tiles in row-major
    /// order, `columns` per row (default ⌈√count⌉), separated by `padding` pixels of black.
    /// Returns the number of images drawn (fewer than `count` if the source has fewer).
    @discardableResult
    public static func writeGrid(from path: String, count: Int, to output: String, columns: Int? = nil,
                                 padding: Int = 1) throws -> Int {
        precondition(count > 0 && padding >= 0,
                     "grid needs count > 0 and padding >= 0, got \(count), \(padding)")
        let source = try Source.open(path)
        let n = min(count, source.imageCount)
        guard n > 0 else { throw DataError(path: path, "no images to draw") }
        let images = try (0 ..< n).map { try source.image(at: $0, path: path) }
        let first = images[0]
        guard first.channels == 1 || first.channels == 3 else {
            throw DataError(path: path, "grid needs 1- or 3-channel images, found \(first.channels) channels")
        }
        let grid = tile(images, columns: columns ?? Int(Double(n).squareRoot().rounded(.up)), padding: padding)
        try PNG.write(grid, to: output)
        return n
    }

    /// Tiles equal-shaped images into one image (programmer mistake if shapes differ).
    static func tile(_ images: [Image], columns: Int, padding: Int) -> Image {
        let first = images[0]
        let (c, h, w) = (first.channels, first.height, first.width)
        let rows = (images.count + columns - 1) / columns
        let width = columns * w + (columns + 1) * padding
        let height = rows * h + (rows + 1) * padding
        var grid = Image(channels: c, height: height, width: width)
        for (i, image) in images.enumerated() {
            precondition(image.channels == c && image.height == h && image.width == w,
                         "grid tiles must share one shape: \(c)x\(h)x\(w) vs "
                            + "\(image.channels)x\(image.height)x\(image.width)")
            let top = padding + (i / columns) * (h + padding)
            let left = padding + (i % columns) * (w + padding)
            for ch in 0 ..< c {
                for y in 0 ..< h {
                    for x in 0 ..< w { grid[ch, top + y, left + x] = image[ch, y, x] }
                }
            }
        }
        return grid
    }
}
