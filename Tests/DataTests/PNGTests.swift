import Foundation
import XCTest
@testable import WorkbenchData

final class PNGTests: XCTestCase {
    private typealias Spec = PNGShim.WriteSpec

    /// Decodes and checks every sample against `stored / maxValue` (channel `c` of pixel `p`).
    private func assertDecodes(_ path: String, options: PNGOptions = PNGOptions(), channels: Int,
                               expected: (_ p: Int, _ c: Int) -> Float, accuracy: Float = 0,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let image = try PNG.decode(path: path, options: options)
        XCTAssertEqual(image.channels, channels, file: file, line: line)
        let plane = image.width * image.height
        for c in 0 ..< channels {
            for p in 0 ..< plane {
                let got = image.pixels[c * plane + p]
                let want = expected(p, c)
                if abs(got - want) > accuracy {
                    XCTFail("\(path) pixel \(p) channel \(c): expected \(want), found \(got)", file: file, line: line)
                    return
                }
            }
        }
    }

    func testGreyEveryBitDepthInterlacedOrNot() throws {
        let tmp = TemporaryFolder()
        for depth in [1, 2, 4, 8, 16] {
            let maxValue = (1 << depth) - 1
            let values = PNGFixtures.pattern(count: 13 * 7, maxValue: maxValue)
            for interlaced in [false, true] {
                var spec = Spec(width: 13, height: 7, bitDepth: depth, colorType: .grey)
                spec.interlaced = interlaced
                let path = try PNGFixtures.write(tmp, "g\(depth)\(interlaced).png", spec: spec, samples: values)
                try assertDecodes(path, channels: 1) { p, _ in Float(values[p]) / Float(maxValue) }
                let header = try PNG.readHeader(path: path)
                XCTAssertEqual(header, PNGHeader(width: 13, height: 7, bitDepth: depth, colorType: .grey,
                                                 interlaced: interlaced))
            }
        }
    }

    func testSixteenBitByteOrderAndPrecision() throws {
        let tmp = TemporaryFolder()
        let values = [0x0102, 0xFFFF, 0, 0x8001]
        let path = try PNGFixtures.write(tmp, "w.png", spec: Spec(width: 2, height: 2, bitDepth: 16, colorType: .grey),
                                         samples: values)
        let image = try PNG.decode(path: path)
        XCTAssertEqual(image.pixels, [258 / 65535, 1, 0, Float(0x8001) / 65535])
        XCTAssertNotEqual(image.pixels[3], 128 / 255)  // not truncated to 8 bits
    }

    func testColourAndAlphaTypes() throws {
        let tmp = TemporaryFolder()
        let (w, h) = (5, 4)
        for type in [PNGColorType.greyAlpha, .rgb, .rgba] {
            for depth in [8, 16] {
                let maxValue = Float((1 << depth) - 1)
                let stored = type.storedChannels
                let values = PNGFixtures.pattern(count: w * h * stored, maxValue: Int(maxValue), seed: depth)
                let path = try PNGFixtures.write(tmp, "\(type.rawValue)-\(depth).png",
                                                 spec: Spec(width: w, height: h, bitDepth: depth, colorType: type),
                                                 samples: values)
                let colourChannels = type == .greyAlpha ? 1 : 3
                let hasAlpha = type != .rgb
                func sample(_ p: Int, _ c: Int) -> Float { Float(values[p * stored + c]) / maxValue }
                // Alpha dropped: samples as stored.
                try assertDecodes(path, channels: colourChannels) { p, c in sample(p, c) }
                // Alpha composited over 0.25.
                try assertDecodes(path, options: PNGOptions(alpha: .composite(background: 0.25)),
                                  channels: colourChannels, expected: { p, c in
                    guard hasAlpha else { return sample(p, c) }
                    let a = sample(p, stored - 1)
                    return a * sample(p, c) + (1 - a) * 0.25
                }, accuracy: 1e-6)
                // Grey from colour: BT.601 luma; RGB from grey: replicated.
                if colourChannels == 3 {
                    try assertDecodes(path, options: PNGOptions(channels: 1), channels: 1, expected: { p, _ in
                        0.299 * sample(p, 0) + 0.587 * sample(p, 1) + 0.114 * sample(p, 2)
                    }, accuracy: 1e-6)
                } else {
                    try assertDecodes(path, options: PNGOptions(channels: 3), channels: 3) { p, _ in sample(p, 0) }
                }
            }
        }
    }

    func testPaletteEveryDepthWithAndWithoutTransparency() throws {
        let tmp = TemporaryFolder()
        for depth in [1, 2, 4, 8] {
            let entries = min(1 << depth, 200)
            let palette = PNGFixtures.pattern(count: 3 * entries, maxValue: 255, seed: 3).map { UInt8($0) }
            let alpha = PNGFixtures.pattern(count: entries / 2 + 1, maxValue: 255, seed: 5).map { UInt8($0) }
            let indices = PNGFixtures.pattern(count: 11 * 6, maxValue: entries - 1, seed: depth)
            for transparent in [false, true] {
                for interlaced in [false, true] {
                    var spec = Spec(width: 11, height: 6, bitDepth: depth, colorType: .palette)
                    spec.palette = palette
                    spec.paletteAlpha = transparent ? alpha : []
                    spec.interlaced = interlaced
                    let path = try PNGFixtures.write(tmp, "p\(depth)\(transparent)\(interlaced).png", spec: spec,
                                                     samples: indices)
                    func colour(_ p: Int, _ c: Int) -> Float { Float(palette[3 * indices[p] + c]) / 255 }
                    try assertDecodes(path, channels: 3) { p, c in colour(p, c) }
                    try assertDecodes(path, options: PNGOptions(alpha: .composite(background: 1)), channels: 3,
                                      expected: { p, c in
                        let i = indices[p]
                        let a: Float = transparent && i < alpha.count ? Float(alpha[i]) / 255 : 1
                        return a * colour(p, c) + (1 - a)
                    }, accuracy: 1e-6)
                }
            }
        }
    }

    func testTransparentColourKeyBecomesAlpha() throws {
        let tmp = TemporaryFolder()
        var spec = Spec(width: 3, height: 1, bitDepth: 16, colorType: .grey)
        spec.transparentColor = [500]
        let path = try PNGFixtures.write(tmp, "key.png", spec: spec, samples: [500, 65535, 0])
        XCTAssertEqual(try PNG.decode(path: path).pixels, [500 / 65535, 1, 0])
        XCTAssertEqual(try PNG.decode(path: path, options: PNGOptions(alpha: .composite(background: 0.5))).pixels,
                       [0.5, 1, 0])
    }

    func testLowBitGreyColourKey() throws {
        let tmp = TemporaryFolder()
        var spec = Spec(width: 4, height: 1, bitDepth: 2, colorType: .grey)
        spec.transparentColor = [1]
        let path = try PNGFixtures.write(tmp, "key2.png", spec: spec, samples: [0, 1, 2, 3])
        XCTAssertEqual(try PNG.decode(path: path).pixels, [0, 1.0 / 3, 2.0 / 3, 1])
        XCTAssertEqual(try PNG.decode(path: path, options: PNGOptions(alpha: .composite(background: 0.75))).pixels,
                       [0, 0.75, 2.0 / 3, 1])
    }

    func testInterlacedDecodesIdenticalToTwin() throws {
        let tmp = TemporaryFolder()
        for (type, depth) in [(PNGColorType.rgba, 16), (.rgb, 8), (.grey, 4), (.greyAlpha, 8)] {
            let values = PNGFixtures.pattern(count: 17 * 9 * type.storedChannels, maxValue: (1 << depth) - 1)
            var spec = Spec(width: 17, height: 9, bitDepth: depth, colorType: type)
            let plain = try PNGFixtures.write(tmp, "plain.png", spec: spec, samples: values)
            spec.interlaced = true
            let adam7 = try PNGFixtures.write(tmp, "adam7.png", spec: spec, samples: values)
            XCTAssertNotEqual(tmp.bytes("plain.png"), tmp.bytes("adam7.png"))
            XCTAssertEqual(try PNG.decode(path: plain), try PNG.decode(path: adam7), "\(type) \(depth)")
        }
    }

    func testGammaChunkIsIgnored() throws {
        let tmp = TemporaryFolder()
        let path = try PNGFixtures.write(tmp, "g.png", spec: Spec(width: 4, height: 1, bitDepth: 8, colorType: .grey),
                                         samples: [0, 64, 128, 255])
        var file = tmp.bytes("g.png")
        let gama = PNGFixtures.chunk("gAMA", PNGFixtures.bigEndian(45455))
        file.insert(contentsOf: gama, at: 33)  // right after IHDR
        let withGamma = tmp.write(file, to: "gamma.png")
        XCTAssertEqual(try PNG.decode(path: withGamma), try PNG.decode(path: path))
        XCTAssertEqual(try PNG.decode(path: withGamma).pixels, [0, 64 / 255, 128 / 255, 1])
    }

    func testEncodeGrey8RGB8Grey16RoundTrip() throws {
        let tmp = TemporaryFolder()
        let grey = Image(channels: 1, height: 2, width: 3, pixels: [0, 0.5, 1, 2, -1, Float.nan])
        try PNG.write(grey, to: tmp.file("g8.png"))
        XCTAssertEqual(try PNG.readHeader(path: tmp.file("g8.png")),
                       PNGHeader(width: 3, height: 2, bitDepth: 8, colorType: .grey, interlaced: false))
        XCTAssertEqual(try PNG.decode(path: tmp.file("g8.png")).pixels, [0, 128 / 255, 1, 1, 0, 0])

        let rgbPixels: [Float] = (0 ..< 12).map { Float($0 * 20) / 255 }
        let rgb = Image(channels: 3, height: 2, width: 2, pixels: rgbPixels)
        try PNG.write(rgb, to: tmp.file("rgb.png"))
        XCTAssertEqual(try PNG.readHeader(path: tmp.file("rgb.png")).colorType, .rgb)
        XCTAssertEqual(try PNG.decode(path: tmp.file("rgb.png")), rgb)

        let deep = Image(channels: 1, height: 1, width: 3, pixels: [258 / 65535, 0.123_456, 1])
        try PNG.write(deep, to: tmp.file("g16.png"), format: .grey16)
        XCTAssertEqual(try PNG.readHeader(path: tmp.file("g16.png")).bitDepth, 16)
        let back = try PNG.decode(path: tmp.file("g16.png")).pixels
        XCTAssertEqual(back[0], 258 / 65535)
        XCTAssertEqual(back[1], 0.123_456, accuracy: 0.5 / 65535)
        // Atomic write: no temporary file left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(left, [])
    }

    func testErrorsNameTheFileAndTheProblem() throws {
        let tmp = TemporaryFolder()
        let values = PNGFixtures.pattern(count: 64 * 64, maxValue: 255)
        let good = try PNGFixtures.write(tmp, "good.png", spec: Spec(width: 64, height: 64, bitDepth: 8, colorType: .grey),
                                         samples: values)
        let bytes = tmp.bytes("good.png")

        let empty = tmp.write([], to: "empty.png")
        assertDataError([empty, "empty file"]) { _ = try PNG.decode(path: empty) }
        let jpeg = tmp.write([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46], to: "photo.png")
        assertDataError([jpeg, "not a PNG file", "looks like JPEG", "FF D8 FF E0"]) { _ = try PNG.decode(path: jpeg) }
        let gif = tmp.write(Array("GIF89a....".utf8), to: "anim.png")
        assertDataError([gif, "looks like GIF"]) { _ = try PNG.decode(path: gif) }
        let signatures: [(String, [UInt8])] = [
            ("BMP", Array("BM6\u{0}\u{0}\u{0}".utf8)), ("TIFF", [0x49, 0x49, 0x2A, 0, 8, 0, 0, 0]),
            ("TIFF", [0x4D, 0x4D, 0, 0x2A, 0, 0, 0, 8]), ("WebP", Array("RIFF\u{1}\u{2}\u{3}\u{4}WEBPVP8 ".utf8)),
            ("gzip", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0]),
        ]
        for (name, head) in signatures {
            let path = tmp.write(head, to: "sig-\(name).png")
            assertDataError([path, "not a PNG file", "looks like \(name)"]) { _ = try PNG.decode(path: path) }
        }
        let html = tmp.write(Array("<!DOCTYPE html>\n<html>".utf8), to: "page.png")
        assertDataError([html, "looks like HTML"]) { _ = try PNG.decode(path: html) }
        assertDataError([jpeg, "not a PNG file"]) { _ = try PNG.readHeader(path: jpeg) }

        let truncated = tmp.write(Array(bytes.prefix(bytes.count / 2)), to: "truncated.png")
        assertDataError([truncated, "truncated PNG"]) { _ = try PNG.decode(path: truncated) }
        let headerOnly = tmp.write(Array(bytes.prefix(20)), to: "short.png")
        assertDataError([headerOnly, "truncated PNG"]) { _ = try PNG.readHeader(path: headerOnly) }

        let idat = try XCTUnwrap(PNGFixtures.dataOffset(of: "IDAT", in: bytes))
        let length = Int(bytes[idat - 8]) << 24 | Int(bytes[idat - 7]) << 16 | Int(bytes[idat - 6]) << 8 | Int(bytes[idat - 5])
        var flipped = bytes
        flipped[idat + length] ^= 0x40  // the IDAT chunk's CRC
        let crc = tmp.write(flipped, to: "crc.png")
        assertDataError([crc, "corrupt PNG", "IDAT: CRC error"]) { _ = try PNG.decode(path: crc) }
        var flippedData = bytes
        flippedData[idat + length / 2] ^= 0x40  // inside the compressed data: zlib or the CRC notices first
        let damaged = tmp.write(flippedData, to: "damaged.png")
        assertDataError([damaged, "corrupt PNG (libpng: IDAT: "]) { _ = try PNG.decode(path: damaged) }

        // Valid CRC around a corrupt zlib stream.
        var zlib = Array(bytes[idat ..< idat + length])
        zlib[0] = 0x79  // bad zlib header (check bits wrong)
        var rebuilt = Array(bytes[..<(idat - 8)]) + PNGFixtures.chunk("IDAT", zlib)
        rebuilt += bytes[(idat + length + 4)...]
        let badZlib = tmp.write(rebuilt, to: "zlib.png")
        assertDataError([badZlib, "corrupt PNG", "libpng:"]) { _ = try PNG.decode(path: badZlib) }

        assertDataError([good, "64×64 = 4096 pixels", "at most 4000"]) {
            _ = try PNG.decode(path: good, options: PNGOptions(maxPixels: 4000))
        }
        // A 60000×60000 header over an empty image: refused from the header, nothing allocated.
        let ihdr = PNGFixtures.bigEndian(60000) + PNGFixtures.bigEndian(60000) + [8, 0, 0, 0, 0]
        let bomb = tmp.write(PNGShim.signature + PNGFixtures.chunk("IHDR", ihdr) + PNGFixtures.chunk("IDAT", [])
                             + PNGFixtures.chunk("IEND", []),
                             to: "bomb.png")
        assertDataError([bomb, "60000×60000 = 3600000000 pixels", "at most 67108864"]) {
            _ = try PNG.decode(path: bomb)
        }
        XCTAssertEqual(try PNG.readHeader(path: bomb).width, 60000)

        let missing = tmp.file("missing.png")
        assertDataError([missing, "no such file"]) { _ = try PNG.decode(path: missing) }
        assertDataError([missing, "no such file"]) { _ = try PNG.readHeader(path: missing) }
        assertDataError([tmp.path, "is a folder"]) { _ = try PNG.readHeader(path: tmp.path) }
    }
}
