/// A numeric range a key must fall in, with the text used in error messages and in the docs.
public struct Bound: Equatable, Sendable {
    public var min: Double?
    public var minInclusive: Bool
    public var max: Double?
    public var maxInclusive: Bool

    public init(min: Double? = nil, minInclusive: Bool = true, max: Double? = nil, maxInclusive: Bool = true)
    {
        self.min = min
        self.minInclusive = minInclusive
        self.max = max
        self.maxInclusive = maxInclusive
    }

    public static let any = Bound()
    public static let positive = Bound(min: 0, minInclusive: false)
    public static let nonNegative = Bound(min: 0)
    public static let atLeastOne = Bound(min: 1)
    public static let probability = Bound(min: 0, max: 1)
    public static let fraction = Bound(min: 0, max: 1, maxInclusive: false)

    /// NaN and ±infinity are outside every bound, including `.any`.
    public func contains(_ v: Double) -> Bool {
        if !v.isFinite { return false }
        if let min, minInclusive ? v < min : v <= min { return false }
        if let max, maxInclusive ? v > max : v >= max { return false }
        return true
    }

    /// `> 0`, `≥ 1`, `in [0, 1)`, or empty for `.any`.
    public var text: String {
        func f(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }
        switch (min, max) {
        case (let lo?, let hi?):
            return "in \(minInclusive ? "[" : "(")\(f(lo)), \(f(hi))\(maxInclusive ? "]" : ")")"
        case (let lo?, nil): return minInclusive ? "≥ \(f(lo))" : "> \(f(lo))"
        case (nil, let hi?): return maxInclusive ? "≤ \(f(hi))" : "< \(f(hi))"
        case (nil, nil): return ""
        }
    }
}

/// What a config key holds; decides both the check and the "expected ..." text.
public enum ValueType: Equatable, Sendable {
    case int(Bound)
    case double(Bound)
    case bool
    case string
    case choice([String])
    /// One of a few integers, e.g. channels 1 or 3.
    case intChoice([Int])
    /// A file or folder path; relative paths resolve against the experiment file's folder (or the
    /// working directory for `--set` values). The path must exist.
    case path
    /// A list of integers; `count` fixes the length.
    case ints(Bound, count: Int?)
    /// A list of numbers; `count` fixes the length; `ordered` requires non-decreasing values.
    case doubles(Bound, count: Int?, ordered: Bool)
    /// One number, or a list of numbers (one per channel).
    case doubleOrList(Bound)
    /// A list of integer lists, such as a connection table.
    case intTable(Bound)

    /// The range of a number key (or of each number of a list), nil for other types.
    public var numberBound: Bound? {
        switch self {
        case .double(let b), .doubles(let b, _, _), .doubleOrList(let b): return b
        default: return nil
        }
    }

    /// The "expected ..." phrase for error messages and docs.
    public var expected: String {
        func with(_ b: Bound) -> String { b.text.isEmpty ? "" : " \(b.text)" }
        switch self {
        case .int(let b): return "an integer\(with(b))"
        case .double(let b): return "a number\(with(b))"
        case .bool: return "true or false"
        case .string: return "a string"
        case .choice(let names): return "one of " + names.joined(separator: ", ")
        case .intChoice(let values):
            return values.dropLast().map(String.init).joined(separator: ", ") + " or " + String(values.last!)
        case .path: return "a path to an existing file or folder"
        case .ints(let b, let count):
            return "a list of \(count.map(String.init) ?? "") integers\(with(b))".replacingOccurrences(
                of: "of  ", with: "of ")
        case .doubles(let b, let count, let ordered):
            let n = count.map { "\($0) " } ?? ""
            return "a list of \(n)numbers\(with(b))\(ordered ? ", low to high" : "")"
        case .doubleOrList(let b): return "a number\(with(b)) or a list of them (one per channel)"
        case .intTable(let b): return "a list of integer lists\(with(b))"
        }
    }
}

/// How a key behaves when it is absent.
public enum KeyDefault: Equatable, Sendable {
    /// The key must be given.
    case required
    /// The key may be left out and stays absent (e.g. `clip_norm`, `test`).
    case optional
    /// The key takes this value when absent; the resolved config writes it explicitly.
    case value(ConfigValue)
    /// The key's default is computed from other keys (described here for the docs).
    case derived(String)

    /// The default as written in docs/experiment-file.md.
    public var text: String {
        switch self {
        case .required: return "required"
        case .optional: return "absent"
        case .value(let v): return v.description
        case .derived(let how): return how
        }
    }
}

/// One row of a schema table: a key, what it holds, its default and what it means.
public struct KeySpec: Equatable, Sendable {
    public var name: String
    public var type: ValueType
    public var defaultValue: KeyDefault
    public var doc: String

    public init(_ name: String, _ type: ValueType, _ defaultValue: KeyDefault, _ doc: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
    }
}
