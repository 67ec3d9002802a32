extension DataInspector {
    /// One image as CSV, exactly as the network sees it before normalisation: one image row per
    /// line, pixels left to right, channels interleaved per pixel (`c0,c1,c2,c0,c1,c2,…`). `index`
    /// selects the image in an IDX file or image folder (0 for a PNG).
    public static func valuesCSV(path: String, index: Int = 0,
                                 options: PNGOptions = PNGOptions()) throws -> String {
        let source = try Source.open(path, pngOptions: options,
                                     folderOptions: .init(channels: options.channels, alpha: options.alpha))
        return csv(try source.image(at: index, path: path))
    }

    /// Renders an image as CSV rows (see `valuesCSV`); floats in Swift's shortest round-trip form.
    public static func csv(_ image: Image) -> String {
        var out = ""
        out.reserveCapacity(image.pixels.count * 8)
        for y in 0 ..< image.height {
            var fields: [String] = []
            fields.reserveCapacity(image.width * image.channels)
            for x in 0 ..< image.width {
                for c in 0 ..< image.channels { fields.append("\(image[c, y, x])") }
            }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }
}
