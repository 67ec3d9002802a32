/// One problem found in an experiment file or an option: where, which key, what was expected and found.
public struct Diagnostic: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var mark: SourceMark
    /// The dotted key path with list indices, e.g. `model[3].conv.kernel`; empty for the whole file.
    public var keyPath: String
    public var message: String

    public init(_ mark: SourceMark, _ keyPath: String, _ message: String) {
        self.mark = mark
        self.keyPath = keyPath
        self.message = message
    }

    /// `file:line:column: key.path: message`.
    public var description: String {
        keyPath.isEmpty ? "\(mark): \(message)" : "\(mark): \(keyPath): \(message)"
    }
}

/// Every problem found while reading an experiment (YAML syntax, schema, values, files), sorted by
/// position: options first, then file lines in order.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        var seen = Set<Diagnostic>()
        self.diagnostics = diagnostics.filter { seen.insert($0).inserted }.sorted { a, b in
            (a.mark.line ?? 0, a.mark.column ?? 0, a.mark.origin, a.keyPath, a.message)
                < (b.mark.line ?? 0, b.mark.column ?? 0, b.mark.origin, b.keyPath, b.message)
        }
    }

    public init(_ mark: SourceMark, _ keyPath: String, _ message: String) {
        self.init([Diagnostic(mark, keyPath, message)])
    }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
