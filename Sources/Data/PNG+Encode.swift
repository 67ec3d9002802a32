extension PNG {
    /// Sample formats `PNG.write` can produce.
    public enum WriteFormat: Sendable {
        /// 8-bit grey (1-channel images).
        case grey8
        /// 8-bit RGB (3-channel images).
        case rgb8
        /// 16-bit grey (1-channel images), for values that need more than 256 levels.
        case grey16
    }

    /// Writes an image as a PNG, atomically (temporary name, then rename). Values are clamped to
    /// [0, 1] and rounded to the nearest level (NaN becomes 0). `format` defaults to 8-bit grey
    /// or RGB by channel count; a channel count the format cannot hold is a programmer mistake.
    public static func write(_ image: Image, to path: String, format: WriteFormat? = nil) throws {
        let format = format ?? (image.channels == 3 ? .rgb8 : .grey8)
        let channels = format == .rgb8 ? 3 : 1
        precondition(image.channels == channels,
                     "PNG \(format) needs a \(channels)-channel image, got \(image.channels) channels")
        let plane = image.width * image.height
        let maxValue: Float = format == .grey16 ? 65535 : 255
        func level(_ value: Float) -> Int {
            value.isNaN ? 0 : Int((min(max(value, 0), 1) * maxValue).rounded())
        }
        var spec = PNGShim.WriteSpec(width: image.width, height: image.height,
                                     bitDepth: format == .grey16 ? 16 : 8,
                                     colorType: format == .rgb8 ? .rgb : .grey)
        spec.compressionLevel = 6
        try AtomicFile.write(to: path) { temp in
            if format == .grey16 {
                try PNGShim.write(path: temp, spec: spec, words: image.pixels.map { UInt16(level($0)) })
            } else {
                // CHW → interleaved HWC.
                var bytes = [UInt8](repeating: 0, count: plane * channels)
                for c in 0 ..< channels {
                    for p in 0 ..< plane { bytes[p * channels + c] = UInt8(level(image.pixels[c * plane + p])) }
                }
                try PNGShim.write(path: temp, spec: spec, bytes: bytes)
            }
        }
    }
}
