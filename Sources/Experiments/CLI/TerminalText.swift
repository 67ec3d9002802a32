/// Text from files (run names, CSV fields, JSON strings) made safe to show on a terminal, and its
/// width there.
///
/// Control characters would move the cursor, break a table's lines or change the terminal's state
/// (`ESC [ ...`), so `escaped` writes them as `\n`, `\r`, `\t`, `\x1B` or `\u{202E}`. `width`
/// counts columns: one per grapheme cluster, two for East Asian wide and emoji-presentation
/// characters (after `escaped`, no character is zero or negative).
public enum TerminalText {
    /// `text` with every control character (C0, DEL, C1, line/paragraph separators and the
    /// bidirectional overrides and isolates) written as a visible escape.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result +=
                    scalar.value < 0x100
                    ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
            }
        }
        return result
    }

    /// Whether `scalar` would act on the terminal instead of showing as a glyph.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029: return true  // line and paragraph separators
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides, isolates
        default: return false
        }
    }

    /// Terminal columns `text` takes (meant for text that went through `escaped`).
    public static func width(_ text: String) -> Int { text.reduce(0) { $0 + width(of: $1) } }

    static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) { return 2 }
        return isWide(first.value) ? 2 : 1
    }

    /// East Asian Wide and Fullwidth blocks (Unicode UAX #11), the common ones.
    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default: return false
        }
    }

    /// `text` padded with spaces to `columns` terminal columns.
    public static func padded(_ text: String, to columns: Int) -> String {
        text + String(repeating: " ", count: max(0, columns - width(text)))
    }
}
