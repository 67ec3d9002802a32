/// One `--set key.path=value` option: a dotted path (list entries by index, `model.0.conv.filters`)
/// and a value parsed as a YAML scalar or flow collection (`0.05`, `[32, 64]`, `{name: adam}`).
///
/// The value is placed into the tree before checking, so a misspelt key gets the same did-you-mean
/// as in a file; its errors name the option instead of a file line.
public struct Override: Equatable, Sendable {
    public var path: [String]
    public var value: YAMLNode
    /// The option as typed, e.g. `--set optimizer.lr=0.05`.
    public var mark: SourceMark

    public init(path: [String], value: YAMLNode, mark: SourceMark) {
        self.path = path
        self.value = value
        self.mark = mark
    }

    /// Characters of an option shown in its errors.
    static let optionLimit = 120

    /// Parses `key.path=value`.
    public static func parse(_ option: String) throws -> Override {
        // Errors name the option; a very long one (a pasted 40,000-deep value) is cut.
        let mark = SourceMark(origin: "--set \(ConfigDecoder.truncated(option, limit: Override.optionLimit))")
        guard let eq = option.firstIndex(of: "=") else {
            throw ConfigError(mark, "", "expected key.path=value, found no '='")
        }
        let key = String(option[..<eq])
        let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, !path.contains(where: \.isEmpty) else {
            throw ConfigError(mark, key, "expected a dotted key path such as optimizer.lr, found '\(key)'")
        }
        // The value sits under the root mapping and one mapping or list per key but the last.
        guard path.count < YAMLReader.maxDepth else {
            throw ConfigError(
                mark, ConfigDecoder.truncated(key),
                "expected a key path of at most \(YAMLReader.maxDepth - 1) keys (lists and mappings nest at "
                    + "most \(YAMLReader.maxDepth) deep), found \(path.count) keys")
        }
        let text = String(option[option.index(after: eq)...])
        let value =
            try YAMLReader.read(
                text: text, origin: mark.origin, positions: false, keyPath: Override.keyPath(path),
                depth: path.count)
            ?? .scalar("", mark: mark)
        return Override(path: path, value: value, mark: mark)
    }

    /// The path as the checks name keys: list indices in brackets (`model.0.conv` → `model[0].conv`).
    static func keyPath(_ path: [String]) -> String {
        path.reduce("") { joined, key in
            Int(key) != nil && !joined.isEmpty ? "\(joined)[\(key)]" : ConfigDecoder.join(joined, key)
        }
    }

    /// The tree with the value set at the path; missing mappings on the way are created.
    public func applied(to root: YAMLNode) throws -> YAMLNode {
        try setting(root, at: path[...], done: [])
    }

    private func setting(_ node: YAMLNode, at path: ArraySlice<String>, done: [String]) throws -> YAMLNode {
        guard let head = path.first else { return value }
        let here = done + [head]
        let keyPath = here.joined(separator: ".")
        // An index into a list that is absent, null or empty: there is no element to set.
        if Int(head) != nil, !done.isEmpty, node.isNull || node.items?.isEmpty == true {
            let list = done.joined(separator: ".")
            throw ConfigError(
                mark, keyPath,
                "expected an existing list entry, found none: \(list) is "
                    + "\(node.isNull ? "absent" : "an empty list"), so it has no element \(head)")
        }
        switch node.content {
        case .mapping(var pairs):
            if let i = pairs.firstIndex(where: { $0.key == head }) {
                pairs[i].value = try setting(pairs[i].value, at: path.dropFirst(), done: here)
            } else {
                let fresh = try setting(.scalar("", mark: mark), at: path.dropFirst(), done: here)
                pairs.append(YAMLPair(key: head, keyMark: mark, value: fresh))
            }
            return YAMLNode(.mapping(pairs), mark: node.mark)
        case .sequence(var items):
            guard let i = Int(head) else {
                throw ConfigError(
                    mark, keyPath, "expected a list index (0..<\(items.count)), found '\(head)'")
            }
            guard items.indices.contains(i) else {
                let list = done.joined(separator: ".")
                throw ConfigError(
                    mark, keyPath,
                    "expected an index in 0..<\(items.count) (\(list) has \(items.count) "
                        + "entries), found \(i)")
            }
            items[i] = try setting(items[i], at: path.dropFirst(), done: here)
            return YAMLNode(.sequence(items), mark: node.mark)
        case .scalar(let text, _):
            if node.isNull {
                return try setting(.mapping([], mark: node.mark), at: path, done: done)
            }
            if text == head {  // a bare layer or section name (`- relu`, `loss: mse`) gains parameters
                let expanded = YAMLNode.mapping(
                    [YAMLPair(key: text, keyMark: node.mark, value: .mapping([], mark: mark))],
                    mark: node.mark)
                return try setting(expanded, at: path, done: done)
            }
            if done.count == 1, ["loss", "optimizer", "schedule"].contains(done[0]) {  // `loss: mse` + loss.x
                let named = YAMLNode.mapping(
                    [YAMLPair(key: "name", keyMark: node.mark, value: node)], mark: node.mark)
                return try setting(named, at: path, done: done)
            }
            let parent = done.joined(separator: ".")
            throw ConfigError(mark, keyPath, "expected \(parent) to be a mapping, found '\(text)'")
        }
    }
}
