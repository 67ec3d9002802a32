import Foundation

/// Writes files so a reader never sees half of one: the bytes go to a temporary name in the same
/// folder, then `rename(2)` puts them in place in one step.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(
                ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: temporary)
        } catch {
            throw CLIError.failure("\(temporary.path): cannot write: \(error.localizedDescription)")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError.failure(
                "\(url.path): cannot rename \(temporary.lastPathComponent) into place: \(reason)")
        }
    }

    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }

    /// Encodes `value` as sorted, indented JSON (NaN and infinities as "nan", "inf", "-inf").
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        try write(JSON.encoder.encode(value) + Data("\n".utf8), to: url)
    }
}

/// The JSON conventions of run files.
enum JSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// Reads and decodes `url`, naming the file and the problem when it cannot.
    static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CLIError.failure("\(url.path): cannot read (missing or unreadable)")
        }
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw CLIError.failure("\(url.path): not a valid \(T.self) JSON file: \(error)")
        }
    }
}
