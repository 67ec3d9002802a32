import CYAML
import Foundation

/// Reads YAML through libyaml's event parser into a `YAMLNode` tree — the only place libyaml's
/// parser is called. Positions are reported 1-based (libyaml marks are 0-based).
///
/// Limits, each reported as an error rather than silently misread: one document per file (a second
/// `---` is rejected); anchors and aliases (`&a`, `*a`) and tags other than `!!str` are rejected,
/// because a merged or retyped node would hide where a value came from; mapping keys must be
/// scalars and may not repeat (both positions are reported); lists and mappings nest at most
/// `maxDepth` deep, checked as the events arrive, so no later recursive walk of the tree (checks,
/// messages, comparisons) can run out of stack.
public enum YAMLReader {
    /// The deepest nesting of lists and mappings read; the document's top mapping is level 1. An
    /// experiment needs 5 (`sweep: {grid: {key: [[...]]}}`).
    public static let maxDepth = 64

    /// Parses the file at `path`; nil when the file holds no document (empty or only comments).
    public static func read(file path: String) throws -> YAMLNode? {
        func fail(_ found: String) -> ConfigError {
            ConfigError(SourceMark(origin: path), "", "expected a readable YAML file, found \(found)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("no such file")
        }
        if isDirectory.boolValue { throw fail("a directory") }
        // contents(atPath:) gives nil for devices such as /dev/null; a file handle reads them.
        guard
            let data = FileManager.default.contents(atPath: path)
                ?? (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)))
                .map({ handle in (try? handle.readToEnd()) ?? Data() })
        else {
            let readable = FileManager.default.isReadableFile(atPath: path)
            throw fail(readable ? "a file that cannot be read" : "a file without read permission")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(SourceMark(origin: path), "", "expected UTF-8 text, found invalid UTF-8")
        }
        return try read(text: text, origin: path)
    }

    /// Parses `text`; marks name `origin`. With `positions: false` (command-line values) marks carry
    /// no line, so errors name the option instead. A value read for a place inside a document gives
    /// that place: `keyPath` prefixes the key paths of its errors (`training` makes a duplicate `epochs`
    /// `training.epochs`) and `depth` levels of nesting are counted as already open above it.
    public static func read(
        text: String, origin: String, positions: Bool = true, keyPath: String = "", depth: Int = 0
    ) throws -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ConfigError(SourceMark(origin: origin), "", "libyaml could not allocate a parser")
        }
        defer { yaml_parser_delete(&parser) }
        var builder = TreeBuilder(origin: origin, positions: positions, prefix: keyPath, depth: depth)
        let bytes = Array(text.utf8) + [0]
        try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            var done = false
            while !done {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw builder.parseError(parser) }
                defer { yaml_event_delete(&event) }
                done = try builder.consume(event)
            }
        }
        if !builder.diagnostics.isEmpty { throw ConfigError(builder.diagnostics) }
        return builder.root
    }
}

/// Turns libyaml events into nodes with a stack of open collections.
private struct TreeBuilder {
    enum Frame {
        case sequence(SourceMark, [YAMLNode])
        case mapping(SourceMark, [YAMLPair], pendingKey: (String, SourceMark)?, seen: [String: Position])
    }

    /// A 1-based line and column, kept even when marks carry none (for duplicate keys in options).
    struct Position {
        var line: Int
        var column: Int
    }

    let origin: String
    let positions: Bool
    /// The key path of the place the text is read for (`--set training={...}`: `training`).
    let prefix: String
    /// Levels of nesting open above the text.
    let depth: Int
    var stack: [Frame] = []
    /// Where the scalar being attached starts.
    var scalarPosition = Position(line: 1, column: 1)
    var root: YAMLNode?
    var documents = 0
    var diagnostics: [Diagnostic] = []

    init(origin: String, positions: Bool, prefix: String, depth: Int) {
        self.origin = origin
        self.positions = positions
        self.prefix = prefix
        self.depth = depth
    }

    func mark(_ m: yaml_mark_t) -> SourceMark {
        positions
            ? SourceMark(origin: origin, line: Int(m.line) + 1, column: Int(m.column) + 1)
            : SourceMark(origin: origin)
    }

    func parseError(_ parser: yaml_parser_t) -> ConfigError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        var message = "invalid YAML: \(problem)"
        if let context = parser.context {
            let line = Int(parser.context_mark.line) + 1
            message += " (\(String(cString: context)) at line \(line))"
        }
        return ConfigError(mark(parser.problem_mark), "", message)
    }

    func unsupported(_ what: String, _ m: yaml_mark_t) -> ConfigError {
        ConfigError(mark(m), "", "\(what) are not supported in experiment files")
    }

    /// Handles one event; returns true at the end of the stream.
    mutating func consume(_ event: yaml_event_t) throws -> Bool {
        let start = event.start_mark
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw ConfigError(mark(start), "", "expected one YAML document, found a second one ('---')")
            }
        case YAML_ALIAS_EVENT:
            throw unsupported("aliases (*name)", start)
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            if s.anchor != nil { throw unsupported("anchors (&name)", start) }
            var style: YAMLNode.ScalarStyle = s.style == YAML_PLAIN_SCALAR_STYLE ? .plain : .quoted
            if let tag = s.tag {
                guard String(cString: tag) == "tag:yaml.org,2002:str" else {
                    throw unsupported("tags other than !!str", start)
                }
                style = .quoted
            }
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            scalarPosition = Position(line: Int(start.line) + 1, column: Int(start.column) + 1)
            attach(YAMLNode(.scalar(text, style), mark: mark(start)))
        case YAML_SEQUENCE_START_EVENT:
            if event.data.sequence_start.anchor != nil { throw unsupported("anchors (&name)", start) }
            if event.data.sequence_start.tag != nil { throw unsupported("tags other than !!str", start) }
            try rejectCollectionKey(start)
            try checkDepth(start)
            stack.append(.sequence(mark(start), []))
        case YAML_MAPPING_START_EVENT:
            if event.data.mapping_start.anchor != nil { throw unsupported("anchors (&name)", start) }
            if event.data.mapping_start.tag != nil { throw unsupported("tags other than !!str", start) }
            try rejectCollectionKey(start)
            try checkDepth(start)
            stack.append(.mapping(mark(start), [], pendingKey: nil, seen: [:]))
        case YAML_SEQUENCE_END_EVENT:
            guard case .sequence(let m, let items) = stack.removeLast() else {
                preconditionFailure("unbalanced")
            }
            attach(YAMLNode(.sequence(items), mark: m))
        case YAML_MAPPING_END_EVENT:
            guard case .mapping(let m, let pairs, _, _) = stack.removeLast() else {
                preconditionFailure("unbalanced")
            }
            attach(YAMLNode(.mapping(pairs), mark: m))
        default:
            break
        }
        return false
    }

    /// A collection opening where a mapping expects its key (`? [a, b]: 1`) is not supported.
    func rejectCollectionKey(_ start: yaml_mark_t) throws {
        if case .mapping(_, _, let pendingKey, _) = stack.last, pendingKey == nil {
            throw ConfigError(mark(start), keyPath(), "expected a scalar mapping key, found a collection")
        }
    }

    /// A collection opening one level deeper than `YAMLReader.maxDepth` is refused before it is read.
    func checkDepth(_ start: yaml_mark_t) throws {
        guard depth + stack.count >= YAMLReader.maxDepth else { return }
        throw ConfigError(
            mark(start), keyPath(),
            "expected lists and mappings nested at most \(YAMLReader.maxDepth) deep, found a list or "
                + "mapping at level \(depth + stack.count + 1)")
    }

    /// The dotted path of the node being built, e.g. `optimizer` or `model[2].conv`.
    func keyPath() -> String {
        var path = prefix
        for frame in stack {
            switch frame {
            case .sequence(_, let items): path += "[\(items.count)]"
            case .mapping(_, _, let pendingKey, _):
                if let (key, _) = pendingKey { path += path.isEmpty ? key : ".\(key)" }
            }
        }
        return path
    }

    /// Adds a finished node to the open collection (or makes it the root).
    mutating func attach(_ node: YAMLNode) {
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(let m, var items):
            items.append(node)
            stack.append(.sequence(m, items))
        case .mapping(let m, var pairs, let pendingKey, var seen):
            if let (key, keyMark) = pendingKey {
                pairs.append(YAMLPair(key: key, keyMark: keyMark, value: node))
                stack.append(.mapping(m, pairs, pendingKey: nil, seen: seen))
            } else {
                guard case .scalar(let key, _) = node.content else {
                    preconditionFailure("collection keys are rejected when they open")
                }
                if let first = seen[key] {
                    let again = scalarPosition
                    let parent = keyPath()
                    let path = parent.isEmpty ? key : "\(parent).\(key)"
                    let places =
                        positions
                        ? "first at \(first.line):\(first.column), again at \(again.line):\(again.column)"
                        : "first at column \(first.column), again at column \(again.column) of the value"
                    diagnostics.append(Diagnostic(node.mark, path, "duplicate key '\(key)': \(places)"))
                } else {
                    seen[key] = scalarPosition
                }
                stack.append(.mapping(m, pairs, pendingKey: (key, node.mark), seen: seen))
            }
        }
    }
}
