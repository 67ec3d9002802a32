/// Where a value came from: a file position (1-based line and column) or a command-line option.
public struct SourceMark: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The file path as given, or the option text such as `--set optimizer.lr=0.05`.
    public var origin: String
    /// 1-based line, or nil for values that did not come from a file.
    public var line: Int?
    /// 1-based column, or nil for values that did not come from a file.
    public var column: Int?

    public init(origin: String, line: Int? = nil, column: Int? = nil) {
        self.origin = origin
        self.line = line
        self.column = column
    }

    /// True when the value came from a command-line option rather than a file.
    public var isOption: Bool { line == nil }

    /// `file:line:column`, or the bare origin for options.
    public var description: String {
        guard let line else { return origin }
        return "\(origin):\(line):\(column ?? 1)"
    }

    /// The mark of values synthesised by the program (resolved configs).
    public static let generated = SourceMark(origin: "<resolved>")
}

/// One node of a parsed YAML document: a scalar, a sequence or a mapping, with its source position.
public struct YAMLNode: Equatable, Sendable {
    /// How a scalar was written: plain scalars are resolved by the YAML 1.2 core schema, every other
    /// style (single- or double-quoted, literal `|`, folded `>`) is always a string.
    public enum ScalarStyle: Equatable, Sendable { case plain, quoted }

    public indirect enum Content: Equatable, Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var mark: SourceMark

    public init(_ content: Content, mark: SourceMark) {
        self.content = content
        self.mark = mark
    }

    public static func scalar(_ text: String, _ style: ScalarStyle = .plain, mark: SourceMark = .generated)
        -> YAMLNode
    {
        YAMLNode(.scalar(text, style), mark: mark)
    }

    public static func sequence(_ items: [YAMLNode], mark: SourceMark = .generated) -> YAMLNode {
        YAMLNode(.sequence(items), mark: mark)
    }

    public static func mapping(_ pairs: [YAMLPair], mark: SourceMark = .generated) -> YAMLNode {
        YAMLNode(.mapping(pairs), mark: mark)
    }

    /// The core-schema value of a scalar node, nil for collections.
    public var scalarValue: YAMLScalar? {
        if case .scalar(let text, let style) = content { return YAMLScalar(resolving: text, style: style) }
        return nil
    }

    /// True for a plain `null`, `~` or empty scalar.
    public var isNull: Bool { scalarValue == .null }

    /// The entries of a mapping node, nil otherwise.
    public var pairs: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The items of a sequence node, nil otherwise.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The value stored under `key` in a mapping node.
    public subscript(key: String) -> YAMLNode? {
        pairs?.first(where: { $0.key == key })?.value
    }
}

/// One `key: value` entry of a mapping; keys are always scalars.
public struct YAMLPair: Equatable, Sendable {
    public var key: String
    public var keyMark: SourceMark
    public var value: YAMLNode

    public init(key: String, keyMark: SourceMark = .generated, value: YAMLNode) {
        self.key = key
        self.keyMark = keyMark
        self.value = value
    }
}
