import CPNGShim
import Foundation

/// The one place Swift calls the libpng shim: C statuses become `DataError`s naming the file,
/// raw pointers stay inside.
enum PNGShim {
    /// Decoded samples exactly as libpng hands them on (see `cpngshim.h`).
    struct Samples {
        var header: PNGHeader
        /// Channels per pixel after palette/tRNS expansion (1...4; 2 and 4 include alpha).
        var channels: Int
        /// 8-bit samples (depths up to 8), else empty.
        var bytes: [UInt8]
        /// 16-bit samples in host order, else empty.
        var words: [UInt16]
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Throws unless `data` starts with the PNG signature, saying what the file looks like.
    static func checkSignature(_ data: [UInt8], path: String) throws {
        if data.isEmpty { throw DataError(path: path, "empty file (expected a PNG)") }
        if !data.starts(with: signature) {
            throw DataError(path: path, "not a PNG file: expected signature 89 50 4E 47 0D 0A 1A 0A, found "
                + FileSignature.hex(data) + FileSignature.looksLike(Array(data.prefix(64))))
        }
    }

    static func header(of info: wb_png_info, path: String) throws -> PNGHeader {
        guard let type = PNGColorType(rawValue: Int(info.color_type)) else {
            throw DataError(path: path, "unknown PNG colour type \(info.color_type)")
        }
        return PNGHeader(width: Int(info.width), height: Int(info.height), bitDepth: Int(info.bit_depth),
                         colorType: type, interlaced: info.interlaced != 0)
    }

    /// Reads just the signature and IHDR chunk from the first bytes of a file.
    static func readIHDR(_ data: [UInt8], path: String) throws -> PNGHeader {
        try checkSignature(data, path: path)
        var info = wb_png_info()
        try call(path) { wb_png_read_ihdr(data, data.count, &info, $0, $1) }
        return try header(of: info, path: path)
    }

    /// Decodes a whole PNG held in memory, refusing images over `maxPixels` before allocating.
    static func decode(_ data: [UInt8], path: String, maxPixels: Int) throws -> Samples {
        try checkSignature(data, path: path)
        var info = wb_png_info()
        try call(path) { wb_png_read_info(data, data.count, &info, $0, $1) }
        let header = try header(of: info, path: path)
        let pixels = header.width * header.height
        if pixels > maxPixels {
            throw DataError(path: path, PNGOptions.pixelLimitMessage(width: header.width, height: header.height,
                                                                     limit: maxPixels))
        }
        let size = Int(info.height) * info.out_row_bytes
        var samples = Samples(header: header, channels: Int(info.out_channels), bytes: [], words: [])
        if info.out_bytes_per_sample == 2 {
            samples.words = try [UInt16](unsafeUninitializedCapacity: size / 2) { buffer, count in
                try call(path) { wb_png_decode(data, data.count, buffer.baseAddress, size, &info, $0, $1) }
                count = size / 2
            }
        } else {
            samples.bytes = try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                try call(path) { wb_png_decode(data, data.count, buffer.baseAddress, size, &info, $0, $1) }
                count = size
            }
        }
        return samples
    }

    /// Everything the general writer needs (any colour type, depth, palette, tRNS, interlace).
    struct WriteSpec {
        var width: Int
        var height: Int
        var bitDepth: Int
        var colorType: PNGColorType
        var interlaced = false
        /// RGB triples.
        var palette: [UInt8] = []
        /// tRNS alpha per palette entry.
        var paletteAlpha: [UInt8] = []
        /// tRNS colour key (grey: one value; RGB: three), at the image's bit depth.
        var transparentColor: [UInt16]? = nil
        var compressionLevel = -1
    }

    /// Encodes samples (one per byte for depth ≤ 8, else `words`) to `path` (not atomically:
    /// callers go through `AtomicFile`).
    static func write(path: String, spec: WriteSpec, bytes: [UInt8] = [], words: [UInt16] = []) throws {
        let expected = spec.width * spec.height * spec.colorType.storedChannels
        precondition(spec.bitDepth == 16 ? words.count == expected : bytes.count == expected,
                     "PNG \(spec.width)x\(spec.height) \(spec.colorType) needs \(expected) samples, "
                        + "got \(spec.bitDepth == 16 ? words.count : bytes.count)")
        var c = wb_png_write_spec()
        c.width = UInt32(spec.width)
        c.height = UInt32(spec.height)
        c.bit_depth = Int32(spec.bitDepth)
        c.color_type = Int32(spec.colorType.rawValue)
        c.interlaced = spec.interlaced ? 1 : 0
        c.palette_entries = Int32(spec.palette.count / 3)
        c.palette_alpha_entries = Int32(spec.paletteAlpha.count)
        if let key = spec.transparentColor {
            c.has_trns_color = 1
            if key.count == 1 {
                c.trns_grey = key[0]
            } else {
                (c.trns_red, c.trns_green, c.trns_blue) = (key[0], key[1], key[2])
            }
        }
        c.compression_level = Int32(spec.compressionLevel)
        try spec.palette.withUnsafeBufferPointer { palette in
            try spec.paletteAlpha.withUnsafeBufferPointer { alpha in
                c.palette = palette.baseAddress
                c.palette_alpha = alpha.baseAddress
                if spec.bitDepth == 16 {
                    try words.withUnsafeBytes { raw in
                        try call(path, writing: true) { wb_png_write_file(path, &c, raw.baseAddress, $0, $1) }
                    }
                } else {
                    try bytes.withUnsafeBytes { raw in
                        try call(path, writing: true) { wb_png_write_file(path, &c, raw.baseAddress, $0, $1) }
                    }
                }
            }
        }
    }

    /// Runs one shim call with a message buffer and turns a failure status into a `DataError`.
    private static func call(_ path: String, writing: Bool = false,
                             _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        guard Int(status) != WB_PNG_OK else { return }
        let text = String(cString: message)
        if Int(status) == WB_PNG_TRUNCATED {
            throw DataError(path: path,
                            "truncated PNG: the file ends before the image data does (libpng: \(text))")
        }
        throw DataError(path: path, writing ? "cannot write PNG: \(text)" : "corrupt PNG (libpng: \(text))")
    }
}
