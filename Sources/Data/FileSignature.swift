/// Recognises common file kinds from their first bytes, so an error can say what a file looks like
/// instead of only what it is not ("not a PNG file: looks like JPEG").
enum FileSignature {
    /// Known signatures as a table: name, byte offset, bytes that must appear there.
    static let table: [(name: String, offset: Int, bytes: [UInt8])] = [
        ("PNG", 0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("gzip", 0, [0x1F, 0x8B]),
        ("JPEG", 0, [0xFF, 0xD8, 0xFF]),
        ("GIF", 0, Array("GIF8".utf8)),
        ("BMP", 0, Array("BM".utf8)),
        ("TIFF", 0, [0x49, 0x49, 0x2A, 0x00]),
        ("TIFF", 0, [0x4D, 0x4D, 0x00, 0x2A]),
        ("WebP", 8, Array("WEBP".utf8)),
        ("ZIP", 0, [0x50, 0x4B, 0x03, 0x04]),
        ("PDF", 0, Array("%PDF".utf8)),
    ]

    /// A short name for what `prefix` looks like ("JPEG", "HTML", "text"), or nil when unknown.
    static func guess(_ prefix: [UInt8]) -> String? {
        for entry in table where prefix.count >= entry.offset + entry.bytes.count {
            if Array(prefix[entry.offset ..< entry.offset + entry.bytes.count]) == entry.bytes {
                return entry.name
            }
        }
        let trimmed = prefix.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D
            || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF })
        let head = String(decoding: trimmed.prefix(15), as: UTF8.self).lowercased()
        if head.hasPrefix("<!doctype html") || head.hasPrefix("<html") || head.hasPrefix("<head")
            || head.hasPrefix("<!--") {
            return "HTML"
        }
        if head.hasPrefix("<?xml") || head.hasPrefix("<svg") { return "XML" }
        if !trimmed.isEmpty, trimmed.prefix(64).allSatisfy({ $0 >= 0x20 && $0 < 0x7F || $0 == 0x0A
            || $0 == 0x0D || $0 == 0x09 }) {
            return "text"
        }
        return nil
    }

    /// " (looks like JPEG)" or "" — for appending to an error message.
    static func looksLike(_ prefix: [UInt8]) -> String {
        guard let name = guess(prefix) else { return "" }
        return " (looks like \(name))"
    }

    /// The first bytes in hex, for error messages ("89 50 4E 47").
    static func hex(_ bytes: some Collection<UInt8>, limit: Int = 8) -> String {
        bytes.prefix(limit).map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }
            .joined(separator: " ")
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
