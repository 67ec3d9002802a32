import Foundation

/// Checks a YAML node tree against the schema tables, collecting every problem with its position
/// and key path instead of stopping at the first.
final class ConfigDecoder {
    private(set) var diagnostics: [Diagnostic] = []
    /// The folder relative paths in the file resolve against.
    let baseDirectory: String

    init(baseDirectory: String) { self.baseDirectory = baseDirectory }

    func report(_ mark: SourceMark, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(mark, path, message))
    }

    /// `expected X, found Y`.
    func mismatch(_ node: YAMLNode, _ path: String, expected: String) {
        report(node.mark, path, "expected \(expected), found \(ConfigDecoder.describe(node))")
    }

    /// How a node is named in "found ..." messages: the value itself in YAML flow style
    /// (`[[0], [-1]]`, `{grid: {}}`, `'abc'`, `.inf`), cut to about 60 characters with `…`.
    static func describe(_ node: YAMLNode) -> String {
        if node.isNull { return "nothing (null)" }
        if case .string(let s)? = node.scalarValue { return "'\(truncated(s))'" }
        return truncated(flow(node))
    }

    /// Values longer than this are cut in messages.
    static let describeLimit = 60

    static func truncated(_ text: String, limit: Int = describeLimit) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// A node written in YAML flow style; numbers keep the spelling of the file.
    static func flow(_ node: YAMLNode) -> String {
        switch node.content {
        case .sequence(let items): return "[" + items.map(flow).joined(separator: ", ") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { "\($0.key): \(flow($0.value))" }.joined(separator: ", ") + "}"
        case .scalar(let text, let style):
            switch node.scalarValue! {
            case .null: return "null"
            case .string: return style == .quoted || text.isEmpty ? "'\(text)'" : text
            case .bool(let b): return b ? "true" : "false"
            case .int(let i): return String(i)
            case .double: return text
            }
        }
    }

    /// A number as training uses it. Every number key ends up as a 32-bit float (layers, losses,
    /// optimizers, schedules, augmentations, normalisation), so ranges are checked on this rounding:
    /// `1e-300` is 0 and `0.99999999999` is 1 here, and a value past ±3.4028235e38 is infinite.
    static func asFloat32(_ v: Double) -> Double { Double(Float(v)) }

    /// True when the node is or holds `.inf`, `-.inf` or `.nan`.
    static func hasNonFinite(_ node: YAMLNode) -> Bool {
        if case .double(let d)? = node.scalarValue { return !d.isFinite }
        return (node.items ?? []).contains(where: hasNonFinite)
    }

    /// Why a number key refuses a value that looks right, when float32 is the reason: the node's first
    /// finite number that overflows float32 (`overflow`), or that is inside `bound` while its float32
    /// rounding is not.
    static func float32Problem(_ node: YAMLNode, _ bound: Bound) -> (note: String, overflow: Bool)? {
        for item in node.items ?? [node] {
            guard let v = item.scalarValue?.number, v.isFinite else { continue }
            let used = asFloat32(v)
            if !used.isFinite {
                return (
                    "numbers are used as 32-bit floats, at most \(Float.greatestFiniteMagnitude) in size",
                    true
                )
            }
            if bound.contains(v), !bound.contains(used) {
                let which = node.items == nil ? "" : "\(flow(item)) is "
                return ("\(which)\(Float(v)) as a 32-bit float, the precision training uses", false)
            }
        }
        return nil
    }

    /// True when the node is or holds a plain integer (decimal, hex or octal) too large for Int, which
    /// is read as a double.
    static func hasHugeInteger(_ node: YAMLNode) -> Bool {
        if case .scalar(let text, .plain) = node.content, case .double? = node.scalarValue {
            return YAMLScalar.isIntegerSyntax(text)
        }
        return (node.items ?? []).contains(where: hasHugeInteger)
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Mappings

    /// The pairs of a mapping node; a null node counts as an empty mapping.
    func mapping(_ node: YAMLNode, _ path: String, expected: String = "a mapping") -> [YAMLPair]? {
        if node.isNull { return [] }
        guard let pairs = node.pairs else {
            mismatch(node, path, expected: expected)
            return nil
        }
        return pairs
    }

    /// Checks a mapping against a key table: unknown keys (with did-you-mean), each value's type and
    /// range, required keys; fills defaults. `extra` keys are allowed and left to the caller.
    func params(_ node: YAMLNode, _ path: String, table: [KeySpec], extra: [String] = []) -> Params {
        guard let pairs = mapping(node, path) else { return Params() }
        let known = table.map(\.name) + extra
        for pair in pairs where !known.contains(pair.key) {
            let hint = known.isEmpty ? "this section takes no keys" : suggestion(for: pair.key, among: known)
            report(pair.keyMark, ConfigDecoder.join(path, pair.key), "unknown key '\(pair.key)'; \(hint)")
        }
        var params = Params()
        for spec in table {
            let keyPath = ConfigDecoder.join(path, spec.name)
            if let pair = pairs.first(where: { $0.key == spec.name }) {
                if let value = value(pair.value, keyPath, spec.type) { params[spec.name] = value }
            } else {
                switch spec.defaultValue {
                case .required:
                    report(node.mark, keyPath, "missing required key '\(spec.name)' (\(spec.type.expected))")
                case .value(let v): params[spec.name] = v
                case .optional, .derived: break
                }
            }
        }
        return params
    }

    // MARK: Values

    /// Checks one value against its type; nil (after reporting) when it does not fit.
    func value(_ node: YAMLNode, _ path: String, _ type: ValueType) -> ConfigValue? {
        func fail() -> ConfigValue? {
            let problem = type.numberBound.flatMap { ConfigDecoder.float32Problem(node, $0) }
            let note = problem.map { " (\($0.note))" } ?? ""
            if ConfigDecoder.hasNonFinite(node) || problem?.overflow == true {
                let what = node.items == nil ? "a finite number" : "finite numbers"
                report(
                    node.mark, path,
                    "expected \(what) (\(type.expected)), found \(ConfigDecoder.describe(node))\(note)")
            } else if !note.isEmpty {
                report(
                    node.mark, path, "expected \(type.expected), found \(ConfigDecoder.describe(node))\(note)"
                )
            } else if ConfigDecoder.hasHugeInteger(node) {
                report(
                    node.mark, path,
                    "expected \(type.expected) (integers are at most 2^63 − 1 = \(Int.max)), "
                        + "found \(ConfigDecoder.describe(node))")
            } else {
                mismatch(node, path, expected: type.expected)
            }
            return nil
        }
        switch type {
        case .int(let bound):
            guard case .int(let v)? = node.scalarValue, bound.contains(Double(v)) else { return fail() }
            return .int(v)
        case .double(let bound):
            guard let v = node.scalarValue?.number, bound.contains(ConfigDecoder.asFloat32(v)) else {
                return fail()
            }
            return .double(v)
        case .intChoice(let values):
            guard case .int(let v)? = node.scalarValue, values.contains(v) else { return fail() }
            return .int(v)
        case .bool:
            guard case .bool(let v)? = node.scalarValue else { return fail() }
            return .bool(v)
        case .string:
            guard let s = node.scalarValue, s != .null, case .scalar(let text, _) = node.content else {
                return fail()
            }
            return .string(text)
        case .choice(let names):
            guard case .string(let s)? = node.scalarValue else { return fail() }
            guard names.contains(s) else {
                report(node.mark, path, "unknown value '\(s)'; \(suggestion(for: s, among: names))")
                return nil
            }
            return .string(s)
        case .path:
            guard case .string(let s)? = node.scalarValue, !s.isEmpty else { return fail() }
            let resolved = resolve(path: s, from: node.mark)
            guard FileManager.default.fileExists(atPath: resolved) else {
                let base = node.mark.isOption ? "the working directory" : baseDirectory
                report(
                    node.mark, path,
                    "expected an existing file or folder, found nothing at \(resolved)"
                        + (s.hasPrefix("/") ? "" : " ('\(s)' resolved against \(base))"))
                return nil
            }
            return .string(resolved)
        case .ints(let bound, let count):
            guard let items = node.items, count == nil || items.count == count,
                case let values = items.compactMap({ item -> Int? in
                    if case .int(let v)? = item.scalarValue, bound.contains(Double(v)) { return v }
                    return nil
                }), values.count == items.count
            else { return fail() }
            return .list(values.map(ConfigValue.int))
        case .doubles(let bound, let count, let ordered):
            guard let items = node.items, count == nil || items.count == count,
                case let values = items.compactMap({ $0.scalarValue?.number }).filter({
                    bound.contains(ConfigDecoder.asFloat32($0))
                }),
                values.count == items.count, !ordered || values == values.sorted()
            else { return fail() }
            return .list(values.map(ConfigValue.double))
        case .doubleOrList(let bound):
            if let v = node.scalarValue?.number {
                return bound.contains(ConfigDecoder.asFloat32(v)) ? .double(v) : fail()
            }
            return value(node, path, .doubles(bound, count: nil, ordered: false))
        case .intTable(let bound):
            guard let rows = node.items else { return fail() }
            var table: [ConfigValue] = []
            for (i, row) in rows.enumerated() {
                guard let v = value(row, "\(path)[\(i)]", .ints(bound, count: nil)) else { return nil }
                table.append(v)
            }
            return .list(table)
        }
    }

    /// An absolute, standardised path: relative file paths against the file's folder, relative
    /// option values against the working directory.
    func resolve(path: String, from mark: SourceMark) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        if path.hasPrefix("~") { return (path as NSString).expandingTildeInPath }
        let base = mark.isOption ? FileManager.default.currentDirectoryPath : baseDirectory
        return ((base as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    // MARK: Named sections

    /// A section chosen by name: a bare name (`loss: mse`) or a mapping with a selector key
    /// (`optimizer: {name: sgd, lr: 0.1}`). Returns the name and its checked keys.
    /// A mapping without the selector takes `defaultName` when there is one (`optimizer: {lr: 0.1}` is sgd).
    func selected(
        _ node: YAMLNode, _ path: String, selector: String, tables: [(String, [KeySpec])],
        allowBare: Bool = true, defaultName: String? = nil
    ) -> (String, Params)? {
        let names = tables.map(\.0)
        let nameNode: YAMLNode
        var body: YAMLNode?
        if allowBare, case .string? = node.scalarValue {
            nameNode = node
        } else if let pairs = node.pairs {
            if let pair = pairs.first(where: { $0.key == selector }) {
                nameNode = pair.value
            } else if let defaultName {
                nameNode = .scalar(defaultName, mark: node.mark)
            } else {
                report(
                    node.mark, path,
                    "missing required key '\(selector)' (one of \(names.joined(separator: ", ")))")
                return nil
            }
            body = node
        } else {
            mismatch(node, path, expected: allowBare ? "a name or a mapping with '\(selector)'" : "a mapping")
            return nil
        }
        let namePath = body == nil || node[selector] == nil ? path : ConfigDecoder.join(path, selector)
        guard case .string(let name)? = nameNode.scalarValue else {
            mismatch(nameNode, namePath, expected: "one of " + names.joined(separator: ", "))
            return nil
        }
        guard let table = tables.first(where: { $0.0 == name })?.1 else {
            report(
                nameNode.mark, namePath,
                "unknown \(selector) '\(name)'; \(suggestion(for: name, among: names))")
            return nil
        }
        let params =
            body.map { self.params($0, path, table: table, extra: [selector]) }
            ?? self.params(.mapping([], mark: node.mark), path, table: table)
        return (name, params)
    }

    /// One list entry written as a bare name (`- relu`) or a single-key mapping
    /// (`- conv: {filters: 6, kernel: 5}`).
    func singleKey(_ node: YAMLNode, _ path: String, what: String, tables: [(String, [KeySpec])]) -> (
        String, Params
    )? {
        let names = tables.map(\.0)
        let nameNode: YAMLNode
        let body: YAMLNode
        if case .string? = node.scalarValue {
            (nameNode, body) = (node, .mapping([], mark: node.mark))
        } else if let pairs = node.pairs, pairs.count == 1 {
            (nameNode, body) = (.scalar(pairs[0].key, .quoted, mark: pairs[0].keyMark), pairs[0].value)
        } else {
            let found =
                node.pairs.map { "a mapping with \($0.count) keys: \(ConfigDecoder.describe(node))" }
                ?? ConfigDecoder.describe(node)
            report(
                node.mark, path,
                "expected a \(what) name or a single-key mapping such as "
                    + "{\(names[0]): {...}}, found \(found)")
            return nil
        }
        guard case .string(let name)? = nameNode.scalarValue,
            let table = tables.first(where: { $0.0 == name })?.1
        else {
            let name = ConfigDecoder.describe(nameNode)
            report(
                nameNode.mark, path,
                "unknown \(what) \(name); "
                    + suggestion(
                        for: name.trimmingCharacters(in: CharacterSet(charactersIn: "'")), among: names))
            return nil
        }
        return (name, params(body, ConfigDecoder.join(path, name), table: table))
    }
}
