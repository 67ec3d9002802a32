import CYAML

/// Writes a `YAMLNode` tree as YAML text through libyaml's emitter — the only place it is called.
///
/// Strings that a YAML 1.2 reader would take for something else (`"1e-3"`, `"true"`, `""`) and
/// YAML 1.1 booleans (`"yes"`, `"off"`, ...) are double-quoted so any reader gets them back as
/// strings. Sequences of scalars and mappings of scalars inside lists are written in flow style
/// (`[0.9, 0.999]`, `{filters: 6, kernel: 5}`); everything else in block style.
public enum YAMLEmitter {
    public static func emit(_ node: YAMLNode) throws -> String {
        let emitter = UnsafeMutablePointer<yaml_emitter_t>.allocate(capacity: 1)
        defer { emitter.deallocate() }
        guard yaml_emitter_initialize(emitter) == 1 else {
            throw ConfigError(.generated, "", "libyaml could not allocate an emitter")
        }
        defer { yaml_emitter_delete(emitter) }
        let sink = Sink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        yaml_emitter_set_output(
            emitter,
            { data, buffer, size in
                guard let data, let buffer else { return 0 }
                let sink = Unmanaged<Sink>.fromOpaque(data).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            }, context)
        yaml_emitter_set_width(emitter, -1)
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_indent(emitter, 2)

        let writer = EventWriter(emitter: emitter)
        try writer.emit { yaml_stream_start_event_initialize(&$0, YAML_UTF8_ENCODING) }
        try writer.emit { yaml_document_start_event_initialize(&$0, nil, nil, nil, 1) }
        try writer.node(node, flow: false, inList: false)
        try writer.emit { yaml_document_end_event_initialize(&$0, 1) }
        try writer.emit { yaml_stream_end_event_initialize(&$0) }
        withExtendedLifetime(sink) {}
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// True when `text` written plain would read back as the same string in YAML 1.2 and 1.1.
    static func isPlainSafe(_ text: String) -> Bool {
        guard case .string = YAMLScalar(resolving: text, style: .plain) else { return false }
        let yaml11 = ["y", "n", "yes", "no", "on", "off"]
        return !yaml11.contains(text.lowercased())
    }

    private final class Sink {
        var bytes: [UInt8] = []
    }

    private struct EventWriter {
        let emitter: UnsafeMutablePointer<yaml_emitter_t>

        func emit(_ initialize: (inout yaml_event_t) -> Int32) throws {
            var event = yaml_event_t()
            guard initialize(&event) == 1, yaml_emitter_emit(emitter, &event) == 1 else {
                let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown libyaml error"
                throw ConfigError(.generated, "", "libyaml could not write YAML: \(problem)")
            }
        }

        func node(_ node: YAMLNode, flow: Bool, inList: Bool) throws {
            switch node.content {
            case .scalar(let text, let style):
                let scalarStyle =
                    style == .plain || YAMLEmitter.isPlainSafe(text)
                    ? YAML_ANY_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE
                var bytes = Array(text.utf8) + [0]
                try bytes.withUnsafeMutableBufferPointer { buffer in
                    try emit {
                        yaml_scalar_event_initialize(
                            &$0, nil, nil, buffer.baseAddress, Int32(buffer.count - 1),
                            1, 1, scalarStyle)
                    }
                }
            case .sequence(let items):
                let asFlow = flow || items.allSatisfy(\.isScalarOrFlatList)
                try emit {
                    yaml_sequence_start_event_initialize(
                        &$0, nil, nil, 1,
                        asFlow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE)
                }
                for item in items { try self.node(item, flow: asFlow, inList: true) }
                try emit { yaml_sequence_end_event_initialize(&$0) }
            case .mapping(let pairs):
                let asFlow =
                    flow || pairs.isEmpty
                    || (inList && pairs.allSatisfy { $0.value.isScalarOrFlatList || $0.value.isFlatTable })
                try emit {
                    yaml_mapping_start_event_initialize(
                        &$0, nil, nil, 1,
                        asFlow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
                }
                for pair in pairs {
                    try self.node(.scalar(pair.key, .quoted), flow: asFlow, inList: false)
                    try self.node(pair.value, flow: asFlow, inList: inList)
                }
                try emit { yaml_mapping_end_event_initialize(&$0) }
            }
        }
    }
}

extension YAMLNode {
    /// A scalar, or a sequence holding only scalars.
    var isScalarOrFlatList: Bool {
        switch content {
        case .scalar: return true
        case .sequence(let items):
            return items.allSatisfy {
                if case .scalar = $0.content { return true }
                return false
            }
        case .mapping: return false
        }
    }

    /// A sequence of flat lists, such as a connection table `[[0, 1, 2], [1, 2, 3]]`.
    var isFlatTable: Bool {
        guard case .sequence(let items) = content else { return false }
        return items.allSatisfy(\.isScalarOrFlatList)
    }
}
