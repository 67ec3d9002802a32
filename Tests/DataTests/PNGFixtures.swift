import Foundation
@testable import WorkbenchData

/// Generates PNG fixtures of every kind through the shim's general writer, and edits chunks.
enum PNGFixtures {
    /// A deterministic pattern of stored samples in 0...maxValue.
    static func pattern(count: Int, maxValue: Int, seed: Int = 1) -> [Int] {
        (0 ..< count).map { i in (i &* 7919 &+ seed &* 104_729 &+ (i * i) % 13) % (maxValue + 1) }
    }

    /// Writes a PNG and returns its path.
    @discardableResult
    static func write(_ folder: TemporaryFolder, _ name: String, spec: PNGShim.WriteSpec,
                      samples: [Int]) throws -> String {
        let path = folder.file(name)
        if spec.bitDepth == 16 {
            try PNGShim.write(path: path, spec: spec, words: samples.map { UInt16($0) })
        } else {
            try PNGShim.write(path: path, spec: spec, bytes: samples.map { UInt8($0) })
        }
        return path
    }

    /// CRC-32 as PNG chunks use it (ISO 3309), for tests that edit chunks.
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// A whole chunk: length, type, data, CRC.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// Offset of the first byte of chunk `type`'s data.
    static func dataOffset(of type: String, in file: [UInt8]) -> Int? {
        let needle = Array(type.utf8)
        guard file.count >= 4 else { return nil }
        for i in 8 ..< file.count - 4 where Array(file[i ..< i + 4]) == needle { return i + 4 }
        return nil
    }
}
