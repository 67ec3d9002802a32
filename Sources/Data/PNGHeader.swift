/// PNG colour types (PNG specification, ISO/IEC 15948, table 11.1) with the channels each stores.
public enum PNGColorType: Int, Sendable, CaseIterable, CustomStringConvertible {
    case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6

    /// Channels stored per pixel (a palette index counts as one).
    public var storedChannels: Int { [1, 0, 3, 1, 2, 0, 4][rawValue] }

    /// Bit depths the standard allows for this colour type.
    public var allowedBitDepths: [Int] {
        switch self {
        case .grey: return [1, 2, 4, 8, 16]
        case .palette: return [1, 2, 4, 8]
        case .rgb, .greyAlpha, .rgba: return [8, 16]
        }
    }

    public var description: String {
        switch self {
        case .grey: return "grey"
        case .rgb: return "RGB"
        case .palette: return "palette"
        case .greyAlpha: return "grey+alpha"
        case .rgba: return "RGBA"
        }
    }
}

/// What a PNG's IHDR chunk says: size, bit depth, colour type, interlace.
public struct PNGHeader: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// Bits per stored sample (per palette index for palette images): 1, 2, 4, 8 or 16.
    public var bitDepth: Int
    public var colorType: PNGColorType
    /// Adam7 interlaced.
    public var interlaced: Bool

    public init(width: Int, height: Int, bitDepth: Int, colorType: PNGColorType, interlaced: Bool) {
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.interlaced = interlaced
    }

    /// Channels a decoded image has by default: 3 for RGB, RGBA and palette images, else 1.
    public var naturalChannels: Int {
        colorType == .grey || colorType == .greyAlpha ? 1 : 3
    }
}

/// How PNG samples become an `Image`.
public struct PNGOptions: Sendable, Equatable {
    /// What happens to an alpha channel (stored, or from tRNS).
    public enum Alpha: Sendable, Equatable {
        /// Ignore alpha: colour samples are kept as stored (what PIL's `convert("RGB")` does).
        case drop
        /// `value = alpha * sample + (1 - alpha) * background`, on the [0, 1] scale.
        case composite(background: Float)
    }

    /// 1 or 3 output channels; nil keeps the image's own (1 for grey, 3 for colour). Grey → RGB
    /// replicates the sample; RGB → grey uses ITU-R BT.601 luma, `0.299 R + 0.587 G + 0.114 B`,
    /// on the stored (not linearised) values.
    public var channels: Int?
    public var alpha: Alpha
    /// Images with more than this many pixels (width × height) are rejected before any
    /// allocation (a guard against decompression bombs). Default 64 Mpx.
    public var maxPixels: Int

    public init(channels: Int? = nil, alpha: Alpha = .drop, maxPixels: Int = 64 << 20) {
        precondition(channels == nil || channels == 1 || channels == 3,
                     "PNGOptions.channels must be 1 or 3, got \(channels!)")
        self.channels = channels
        self.alpha = alpha
        self.maxPixels = maxPixels
    }

    /// The error for an image over the pixel limit: the size, the limit, and that a user cannot
    /// raise it (neither the command line nor an experiment file sets `maxPixels`).
    static func pixelLimitMessage(width: Int, height: Int, limit: Int) -> String {
        let megapixels = limit % (1 << 20) == 0 ? " (\(limit >> 20) Mpx)" : ""
        return "image is \(width)×\(height) = \(width * height) pixels; expected at most \(limit)\(megapixels), "
            + "a fixed limit that bounds memory and cannot be changed from the command line or an "
            + "experiment file; use a smaller image"
    }
}
