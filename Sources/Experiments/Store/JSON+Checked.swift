import Foundation

/// A JSON value of the wrong type or out of range in a run file, with the key path where it is.
///
/// Foundation's JSONDecoder reports a number it cannot convert (`"seed": -1` for a UInt64, a step
/// of 1e30 for an Int) as "not valid JSON" with no key; the run files' types decode through the
/// `checked` helpers below instead, which name the key, what was expected and what was found.
struct JSONFieldError: Error {
    var codingPath: [CodingKey]
    var message: String

    /// `a.b[2].c` for a coding path.
    static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }

    var description: String { "key '\(Self.path(codingPath))': \(message)" }
}

/// A coding key for any name (to look inside an object of unknown keys).
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension KeyedDecodingContainer {
    /// What the value at `key` is, for an error message: `null`, `true`, `-1`, `1e+30`, `'text'`,
    /// `a list`, `an object`, or `a number out of range` (beyond Double, e.g. 1e400).
    func found(_ key: Key) -> String {
        if (try? decodeNil(forKey: key)) == true { return "null" }
        if let value = try? decode(Bool.self, forKey: key) { return String(value) }
        if let value = try? decode(Double.self, forKey: key) {
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return "\(value)"
        }
        if let value = try? decode(String.self, forKey: key) { return "'\(TerminalText.escaped(value))'" }
        if (try? nestedUnkeyedContainer(forKey: key)) != nil { return "a list" }
        if (try? nestedContainer(keyedBy: AnyKey.self, forKey: key)) != nil { return "an object" }
        return "a number out of range"
    }

    func fieldError(_ key: Key, _ message: String) -> JSONFieldError {
        JSONFieldError(codingPath: codingPath + [key], message: message)
    }

    /// The value at `key` as `T`; otherwise an error saying `expected` and what is there.
    func checked<T: Decodable>(_ type: T.Type, _ key: Key, expected: String) throws -> T {
        guard contains(key) else { throw fieldError(key, "expected \(expected), found no such key") }
        do {
            return try decode(T.self, forKey: key)
        } catch let error as JSONFieldError {
            throw error  // from inside a nested value: it names its own key
        } catch {
            throw fieldError(key, "expected \(expected), found \(found(key))")
        }
    }

    /// As `checked`, but an absent key or `null` gives nil.
    func checkedIfPresent<T: Decodable>(_ type: T.Type, _ key: Key, expected: String) throws -> T? {
        guard contains(key), (try? decodeNil(forKey: key)) != true else { return nil }
        return try checked(type, key, expected: expected)
    }

    /// An integer in `range` (a usable count, pid, seed...).
    func integer<T: FixedWidthInteger & Decodable>(_ key: Key, in range: ClosedRange<T>) throws -> T {
        try integerIfPresent(key, in: range, required: true)!
    }

    func integerIfPresent<T: FixedWidthInteger & Decodable>(
        _ key: Key, in range: ClosedRange<T>, required: Bool = false
    ) throws -> T? {
        let expected =
            range.upperBound == T.max && T.bitWidth >= 64
            ? "an integer ≥ \(range.lowerBound)" : "an integer in \(range.lowerBound)...\(range.upperBound)"
        let value =
            required
            ? try checked(T.self, key, expected: expected)
            : try checkedIfPresent(T.self, key, expected: expected)
        if let value, !range.contains(value) { throw fieldError(key, "expected \(expected), found \(value)") }
        return value
    }

    /// A finite number ≥ 0 (a duration), if present.
    func durationIfPresent(_ key: Key) throws -> Double? {
        let expected = "a finite number of seconds ≥ 0"
        guard let value = try checkedIfPresent(Double.self, key, expected: expected) else { return nil }
        guard value.isFinite, value >= 0 else {
            throw fieldError(key, "expected \(expected), found \(value)")
        }
        return value
    }

    /// An ISO 8601 UTC time such as `2026-12-03T17:01:02Z`.
    func timestamp(_ key: Key) throws -> String { try timestampIfPresent(key, required: true)! }

    func timestampIfPresent(_ key: Key, required: Bool = false) throws -> String? {
        let expected = "an ISO 8601 UTC time such as 2026-12-03T17:01:02Z"
        let text =
            required
            ? try checked(String.self, key, expected: expected)
            : try checkedIfPresent(String.self, key, expected: expected)
        if let text, ISO8601.date(text) == nil {
            throw fieldError(key, "expected \(expected), found '\(TerminalText.escaped(text))'")
        }
        return text
    }

    /// A list of ISO 8601 times, if present (each checked, named by its index).
    func timestampsIfPresent(_ key: Key) throws -> [String]? {
        let expected = "a list of ISO 8601 UTC times such as 2026-12-03T17:01:02Z"
        guard let list = try checkedIfPresent([String].self, key, expected: expected) else { return nil }
        for (index, text) in list.enumerated() where ISO8601.date(text) == nil {
            throw JSONFieldError(
                codingPath: codingPath + [key, AnyKey(intValue: index)!],
                message: "expected an ISO 8601 UTC time such as 2026-12-03T17:01:02Z,"
                    + " found '\(TerminalText.escaped(text))'")
        }
        return list
    }
}
