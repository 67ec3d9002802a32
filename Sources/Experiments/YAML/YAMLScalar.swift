/// A scalar resolved by the YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
///
/// Plain `1e-3`, `.5`, `-1`, `0x1F`, `0o17`, `.inf`, `.nan` are numbers (integers too large for Int,
/// decimal, hex or octal, are doubles); `true`/`True`/`TRUE` and
/// the `false` forms are booleans; `null`, `Null`, `NULL`, `~` and the empty scalar are null;
/// everything else — including YAML 1.1's `yes`, `no`, `on`, `off` — is a string. Quoted scalars
/// are always strings.
public enum YAMLScalar: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    /// The core-schema tag resolution table, tried in order; the first row that parses wins.
    private static let table: [(String) -> YAMLScalar?] = [
        { ["", "~", "null", "Null", "NULL"].contains($0) ? .null : nil },
        { ["true", "True", "TRUE"].contains($0) ? .bool(true) : nil },
        { ["false", "False", "FALSE"].contains($0) ? .bool(false) : nil },
        { decimalInteger($0).map(YAMLScalar.int) },
        { prefixed($0, "0o", radix: 8).map { $0.exact.map(YAMLScalar.int) ?? .double($0.approximate) } },
        { prefixed($0, "0x", radix: 16).map { $0.exact.map(YAMLScalar.int) ?? .double($0.approximate) } },
        { float($0).map(YAMLScalar.double) },
    ]

    public init(resolving text: String, style: YAMLNode.ScalarStyle) {
        if style == .quoted {
            self = .string(text)
            return
        }
        for row in YAMLScalar.table {
            if let value = row(text) {
                self = value
                return
            }
        }
        self = .string(text)
    }

    /// `[-+]?[0-9]+`; integers too large for Int resolve as doubles.
    private static func decimalInteger(_ text: String) -> Int? {
        var digits = Substring(text)
        if let first = digits.first, first == "-" || first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// `0o[0-7]+`, `0x[0-9a-fA-F]+`: the value, or nil in `exact` when it is too large for Int
    /// (such integers resolve as doubles, like decimal ones).
    private static func prefixed(_ text: String, _ prefix: String, radix: Int) -> (
        exact: Int?, approximate: Double
    )? {
        let digits = text.dropFirst(prefix.count)
        guard text.hasPrefix(prefix), !digits.isEmpty,
            digits.allSatisfy({ $0.isASCII && $0.hexDigitValue.map { $0 < radix } == true })
        else { return nil }
        let approximate = digits.reduce(0.0) { $0 * Double(radix) + Double($1.hexDigitValue!) }
        return (Int(digits, radix: radix), approximate)
    }

    /// True for text written as an integer (`42`, `-7`, `0x1F`, `0o17`), whatever its size.
    static func isIntegerSyntax(_ text: String) -> Bool {
        var digits = Substring(text)
        if let first = digits.first, first == "-" || first == "+" { digits = digits.dropFirst() }
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        return prefixed(text, "0x", radix: 16) != nil || prefixed(text, "0o", radix: 8) != nil
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` and `.nan` (three casings).
    private static func float(_ text: String) -> Double? {
        var body = Substring(text)
        var sign = 1.0
        if let first = body.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        if [".inf", ".Inf", ".INF"].contains(body) { return sign * .infinity }
        if [".nan", ".NaN", ".NAN"].contains(text) { return .nan }
        let chars = Array(body)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
            return i - start
        }
        let whole = digits()
        var fraction = 0
        var hasPoint = false
        if i < chars.count, chars[i] == "." {
            hasPoint = true
            i += 1
            fraction = digits()
        }
        if whole == 0 && !(hasPoint && fraction > 0) { return nil }
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            i += 1
            if i < chars.count, chars[i] == "-" || chars[i] == "+" { i += 1 }
            if digits() == 0 { return nil }
        }
        guard i == chars.count else { return nil }
        // Swift's parser accepts every string this grammar does ("1.", ".5", "1e3").
        return Double(text)
    }

    /// The number this scalar holds, if it is an integer or a float.
    public var number: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        default: return nil
        }
    }
}
