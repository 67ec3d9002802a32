import Foundation

/// A checked value of one config key: what the schema table said the key holds.
public enum ConfigValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case list([ConfigValue])

    public var int: Int? {
        if case .int(let v) = self { return v }
        return nil
    }
    public var bool: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }
    public var string: String? {
        if case .string(let v) = self { return v }
        return nil
    }
    public var list: [ConfigValue]? {
        if case .list(let v) = self { return v }
        return nil
    }

    /// The value as a number (integers widen).
    public var double: Double? {
        switch self {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }

    /// The value as a YAML scalar or flow list, exactly as the resolved config writes it.
    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return ConfigValue.format(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return YAMLEmitter.isPlainSafe(v) ? v : "\"\(v)\""
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// Shortest text that reads back as the same double under the YAML 1.2 core schema.
    static func format(_ v: Double) -> String {
        if v.isNaN { return ".nan" }
        if v.isInfinite { return v < 0 ? "-.inf" : ".inf" }
        return "\(v)"  // Swift prints the shortest round-tripping form: 0.001, 1e-05, 1.0
    }

    /// The value as a YAML node (strings that could be misread are marked quoted).
    func node(mark: SourceMark = .generated) -> YAMLNode {
        switch self {
        case .list(let items): return .sequence(items.map { $0.node(mark: mark) }, mark: mark)
        case .string(let v): return .scalar(v, .quoted, mark: mark)
        default: return .scalar(description, .plain, mark: mark)
        }
    }
}

/// The checked keys of one config section, in schema-table order, defaults filled in.
public struct Params: Equatable, Sendable {
    public private(set) var entries: [(key: String, value: ConfigValue)]

    public init(_ entries: [(key: String, value: ConfigValue)] = []) { self.entries = entries }

    public subscript(key: String) -> ConfigValue? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// The integer under `key`; decoding guarantees keys with defaults or `required` are present.
    public func int(_ key: String) -> Int {
        guard let v = self[key]?.int else {
            preconditionFailure("config key '\(key)' is not a decoded integer")
        }
        return v
    }

    public func double(_ key: String) -> Double {
        guard let v = self[key]?.double else {
            preconditionFailure("config key '\(key)' is not a decoded number")
        }
        return v
    }

    public func bool(_ key: String) -> Bool {
        guard let v = self[key]?.bool else {
            preconditionFailure("config key '\(key)' is not a decoded boolean")
        }
        return v
    }

    public func string(_ key: String) -> String {
        guard let v = self[key]?.string else {
            preconditionFailure("config key '\(key)' is not a decoded string")
        }
        return v
    }

    /// A list of numbers, or nil when the optional key is absent.
    public func doubles(_ key: String) -> [Double]? { self[key]?.list?.compactMap(\.double) }

    /// A list of integers, or nil when the optional key is absent.
    public func ints(_ key: String) -> [Int]? { self[key]?.list?.compactMap(\.int) }

    public static func == (a: Params, b: Params) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value.isSame(as: $1.value) }
    }

    /// The section as a YAML mapping node.
    func node() -> YAMLNode { .mapping(entries.map { YAMLPair(key: $0.key, value: $0.value.node()) }) }
}

extension ConfigValue {
    /// Equality where NaN equals NaN, so a config with `.nan` still round-trips equal.
    func isSame(as other: ConfigValue) -> Bool {
        switch (self, other) {
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isSame(as: $1) }
        default: return self == other
        }
    }
}
