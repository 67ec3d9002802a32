import Foundation
import WorkbenchModel

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
        } catch let error as JSONFieldError {
            throw CLIError.failure("\(url.path): \(error.description)")
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw CLIError.failure("\(url.path): \(syntaxError(in: data))")
            }
            throw CLIError.failure("\(url.path): \(describe(error))")
        } catch {
            throw CLIError.failure("\(url.path): cannot be read as JSON: \(error.localizedDescription)")
        }
    }

    /// Where and why `data` is not JSON, as JSONSerialization sees it ("around character N" as a
    /// line and column).
    static func syntaxError(in data: Data) -> String {
        let base = "expected a JSON document, found malformed JSON"
        guard let detail = JSONSyntax.problem(in: data), !detail.isEmpty else { return base }
        return base + " (" + TerminalText.escaped(detail) + ")"
    }

    /// A DecodingError as a plain sentence: where (the key path) and what was wrong, without
    /// Swift's debug dump.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "expected a JSON document, found malformed JSON" }
            return "key '\(path(context.codingPath))': expected a valid value, found an invalid one"
        case .keyNotFound(let key, let context):
            return "expected key '\(path(context.codingPath + [key]))', found none"
        case .typeMismatch(let type, let context) where context.codingPath.isEmpty:
            return "the top level: expected \(jsonKind(type) == "an object" ? "a JSON object" : jsonKind(type)),"
                + " found \(topLevelKind(context.debugDescription))"
        case .typeMismatch(let type, let context):
            return "key '\(path(context.codingPath))': expected \(jsonKind(type)), found another type"
        case .valueNotFound(let type, let context):
            return "key '\(path(context.codingPath))': expected \(jsonKind(type)), found null"
        @unknown default:
            return "cannot be decoded"
        }
    }

    /// What Foundation found at the top level, from its "Expected to decode X but found Y instead."
    private static func topLevelKind(_ debugDescription: String) -> String {
        let text = debugDescription.lowercased()
        for (word, kind) in [
            ("array", "an array"), ("string", "a string"), ("number", "a number"), ("bool", "true or false"),
            ("null", "null"),
        ] where text.contains("found " + word) || text.contains("found a " + word) || text.contains("found an " + word) {
            return kind
        }
        return "another type"
    }

    private static func jsonKind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Double.Type, is Float.Type: return "a number"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type: return "an integer"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}
