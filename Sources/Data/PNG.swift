import Foundation

/// Reading and writing PNG files through libpng (the C target `CPNGShim`).
///
/// Decoding hands on the samples as stored, scaled to [0, 1] by the bit depth's maximum (255 or
/// 65535; palette entries by 255; 1/2/4-bit grey by 1, 3 or 15): no gamma or sRGB conversion
/// (gAMA, sRGB and iCCP chunks are ignored), no premultiplied alpha, 16-bit samples kept at full
/// precision. Every colour type, bit depth, palette with or without tRNS, and Adam7 interlacing
/// is supported. Errors name the file: empty, not a PNG (with what it looks like: JPEG, GIF, …),
/// truncated, CRC error, zlib corruption, too many pixels.
public enum PNG {
    /// Reads only the signature and IHDR chunk (the first 33 bytes): cheap size checks.
    public static func readHeader(path: String) throws -> PNGHeader {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else {
            _ = try readFile(path)  // throws the precise reason: no such file, folder, unreadable
            throw DataError(path: path, "cannot open for reading")
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 64)) ?? Data())
        return try PNGShim.readIHDR(head, path: path)
    }

    /// Decodes a PNG file into an image (CHW floats in [0, 1]).
    public static func decode(path: String, options: PNGOptions = PNGOptions()) throws -> Image {
        try decode(data: readFile(path), path: path, options: options)
    }

    /// Decodes PNG bytes already in memory; `path` is only used in error messages.
    public static func decode(data: [UInt8], path: String = "<memory>",
                              options: PNGOptions = PNGOptions()) throws -> Image {
        let samples = try PNGShim.decode(data, path: path, maxPixels: options.maxPixels)
        return image(from: samples, options: options)
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            throw DataError(path: path, exists ? (isFolder.boolValue ? "is a folder, expected a file"
                : "cannot read file") : "no such file")
        }
        return [UInt8](data)
    }

    /// Scales, composites or drops alpha, and converts channels, per `options`.
    static func image(from samples: PNGShim.Samples, options: PNGOptions) -> Image {
        let h = samples.header
        let stored = samples.channels
        let hasAlpha = stored == 2 || stored == 4
        let colour = stored >= 3
        let target = options.channels ?? h.naturalChannels
        let plane = h.width * h.height
        var pixels = [Float](repeating: 0, count: target * plane)
        let maxValue: Float = samples.words.isEmpty ? 255 : 65535
        var background: Float? = nil
        if case .composite(let value) = options.alpha { background = value }
        var v: (Float, Float, Float) = (0, 0, 0)
        samples.bytes.withUnsafeBufferPointer { bytes in
            samples.words.withUnsafeBufferPointer { words in
                let wide = !words.isEmpty
                @inline(__always) func at(_ i: Int) -> Float {
                    Float(wide ? Int(words[i]) : Int(bytes[i])) / maxValue
                }
                for p in 0 ..< plane {
                    let base = p * stored
                    v.0 = at(base)
                    if colour { v.1 = at(base + 1); v.2 = at(base + 2) }
                    if hasAlpha, let background {
                        let a = at(base + stored - 1)
                        v.0 = a * v.0 + (1 - a) * background
                        v.1 = a * v.1 + (1 - a) * background
                        v.2 = a * v.2 + (1 - a) * background
                    }
                    if target == 1 {
                        pixels[p] = colour ? 0.299 * v.0 + 0.587 * v.1 + 0.114 * v.2 : v.0
                    } else if colour {
                        pixels[p] = v.0
                        pixels[plane + p] = v.1
                        pixels[2 * plane + p] = v.2
                    } else {
                        pixels[p] = v.0
                        pixels[plane + p] = v.0
                        pixels[2 * plane + p] = v.0
                    }
                }
            }
        }
        return Image(channels: target, height: h.height, width: h.width, pixels: pixels)
    }
}
