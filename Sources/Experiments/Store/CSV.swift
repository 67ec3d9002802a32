import Foundation

/// RFC 4180 CSV: fields containing a comma, double quote, CR or LF are quoted and their quotes
/// doubled; records end in CRLF-or-LF on reading and LF on writing (RFC 4180 allows either in
/// practice; LF is what spreadsheet and pandas readers all accept). Numbers use `CSV.format`, where
/// NaN and infinities are the tokens `nan`, `inf`, `-inf`, read back by `CSV.number`.
public enum CSV {
    /// One field, quoted when needed.
    public static func field(_ text: String) -> String {
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    /// One record (without the line end).
    public static func record(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }

    /// A whole table: header then rows, each ending in LF.
    public static func table(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { record($0) + "\n" }.joined()
    }

    /// Splits CSV text into records of fields. Throws naming `source`, line and what was found on
    /// malformed quoting.
    public static func parse(_ text: String, source: String) throws -> [[String]] {
        try parseFields(text, source: source).map { $0.map(\.text) }
    }

    /// One parsed field and where it starts in the file (1-based line and column, in characters).
    public struct Field: Equatable {
        public var text: String
        public var line: Int
        public var column: Int
    }

    /// As `parse`, keeping each field's position for messages (`file:line:column`).
    public static func parseFields(_ text: String, source: String) throws -> [[Field]] {
        var records: [[Field]] = []
        var fields: [Field] = []
        var field = ""
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var column = 1  // of the next character
        var start = (line: 1, column: 1)  // of the current field
        var chars = Array(text.unicodeScalars)[...]
        var recordHasContent = false
        func quoted(_ text: String) -> String { "'" + TerminalText.escaped(text) + "'" }
        func endField() {
            fields.append(Field(text: field, line: start.line, column: start.column))
            field = ""
            afterQuote = false
        }
        while let c = chars.popFirst() {
            column += 1
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.unicodeScalars.append("\"")
                        chars.removeFirst()
                        column += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" {
                        line += 1
                        column = 1
                    }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                endField()
                start = (line, column)
                recordHasContent = true
            case "\r", "\n":
                if c == "\r", chars.first == "\n" { chars.removeFirst() }
                if recordHasContent || !field.isEmpty || afterQuote {
                    endField()
                    records.append(fields)
                }
                fields = []
                field = ""
                afterQuote = false
                recordHasContent = false
                line += 1
                column = 1
                start = (line, column)
            case "\"":
                guard field.isEmpty, !afterQuote else {
                    throw CLIError.failure(
                        "\(source):\(line):\(column - 1): stray '\"' inside an unquoted field \(quoted(field))"
                    )
                }
                inQuotes = true
                recordHasContent = true
            default:
                if afterQuote {
                    throw CLIError.failure(
                        "\(source):\(line):\(column - 1): expected ',' or line end after a quoted field,"
                            + " found \(quoted(String(c)))")
                }
                field.unicodeScalars.append(c)
                recordHasContent = true
            }
        }
        if inQuotes {
            throw CLIError.failure(
                "\(source):\(start.line):\(start.column): quoted field not closed before end of file")
        }
        if recordHasContent || !field.isEmpty || afterQuote {
            endField()
            records.append(fields)
        }
        return records
    }

    /// Shortest text that reads back to the same value; `nan`, `inf`, `-inf` for non-finite values.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return "\(value)"
    }

    public static func format(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return "\(value)"
    }

    /// Reads a number written by `format` (also `NaN`, `+inf`, `Infinity`); nil for empty or non-numbers.
    public static func number(_ text: String) -> Double? {
        switch text.lowercased() {
        case "": return nil
        case "nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return Double(text)
        }
    }
}
