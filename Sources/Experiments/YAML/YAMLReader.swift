import CYAML
import Foundation

/// Reads YAML through libyaml's event parser into a `YAMLNode` tree — the only place libyaml's
/// parser is called. Positions are reported 1-based (libyaml marks are 0-based).
///
/// Limits, each reported as an error rather than silently misread: one document per file (a second
/// `---` is rejected); anchors and aliases (`&a`, `*a`) and tags other than `!!str` are rejected,
/// because a merged or retyped node would hide where a value came from; mapping keys must be
/// scalars and may not repeat (both lines are reported).
public enum YAMLReader {
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
    /// no line, so errors name the option instead.
    public static func read(text: String, origin: String, positions: Bool = true) throws -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ConfigError(SourceMark(origin: origin), "", "libyaml could not allocate a parser")
        }
        defer { yaml_parser_delete(&parser) }
        var builder = TreeBuilder(origin: origin, positions: positions)
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
        case mapping(SourceMark, [YAMLPair], pendingKey: (String, SourceMark)?, seen: [String: SourceMark])
    }

    let origin: String
    let positions: Bool
    var stack: [Frame] = []
    var root: YAMLNode?
    var documents = 0
    var diagnostics: [Diagnostic] = []

    init(origin: String, positions: Bool) {
        self.origin = origin
        self.positions = positions
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
            attach(YAMLNode(.scalar(text, style), mark: mark(start)))
        case YAML_SEQUENCE_START_EVENT:
            if event.data.sequence_start.anchor != nil { throw unsupported("anchors (&name)", start) }
            if event.data.sequence_start.tag != nil { throw unsupported("tags other than !!str", start) }
            try rejectCollectionKey(start)
            stack.append(.sequence(mark(start), []))
        case YAML_MAPPING_START_EVENT:
            if event.data.mapping_start.anchor != nil { throw unsupported("anchors (&name)", start) }
            if event.data.mapping_start.tag != nil { throw unsupported("tags other than !!str", start) }
            try rejectCollectionKey(start)
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

    /// The dotted path of the node being built, e.g. `optimizer` or `model[2].conv`.
    func keyPath() -> String {
        var path = ""
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
                    let firstAt = first.line.map { "line \($0)" } ?? first.origin
                    let again = node.mark.line.map { "line \($0)" } ?? node.mark.origin
                    let parent = keyPath()
                    let path = parent.isEmpty ? key : "\(parent).\(key)"
                    diagnostics.append(
                        Diagnostic(
                            node.mark, path, "duplicate key '\(key)': first at \(firstAt), again at \(again)")
                    )
                } else {
                    seen[key] = node.mark
                }
                stack.append(.mapping(m, pairs, pendingKey: (key, node.mark), seen: seen))
            }
        }
    }
}
