/// What a command accepts: its name, a one-line abstract, positional arguments and options.
/// The parser, the usage line and `--help` are all derived from this one table.
public struct CommandSpec: Sendable {
    /// How an option takes its value.
    public enum OptionKind: Sendable, Equatable {
        /// `--name` alone.
        case flag
        /// `--name VALUE` or `--name=VALUE`, at most once.
        case value(placeholder: String)
        /// `--name VALUE`, any number of times, kept in order (e.g. `--set`).
        case repeated(placeholder: String)
    }

    /// One `--option`.
    public struct Option: Sendable {
        public var name: String
        public var kind: OptionKind
        public var help: String
        /// Internal options (used by workbench's own child processes) are accepted but not shown.
        public var hidden: Bool
        public init(_ name: String, _ kind: OptionKind, _ help: String, hidden: Bool = false) {
            self.name = name
            self.kind = kind
            self.help = help
            self.hidden = hidden
        }
    }

    /// One positional argument; `repeats` allows any number (at least one unless `optional`).
    public struct Positional: Sendable {
        public var name: String
        public var help: String
        public var optional: Bool
        public var repeats: Bool
        public init(_ name: String, _ help: String, optional: Bool = false, repeats: Bool = false) {
            self.name = name
            self.help = help
            self.optional = optional
            self.repeats = repeats
        }
    }

    /// Full command path as typed, e.g. `run` or `data inspect`.
    public var name: String
    public var abstract: String
    public var positionals: [Positional]
    public var options: [Option]
    /// Extra paragraphs shown by `--help` after the option table.
    public var discussion: String

    public init(
        name: String, abstract: String, positionals: [Positional] = [], options: [Option] = [],
        discussion: String = ""
    ) {
        self.name = name
        self.abstract = abstract
        self.positionals = positionals
        self.options = options
        self.discussion = discussion
    }

    /// The one-line synopsis, e.g. `workbench run EXP.yaml [--store DIR] [--set KEY=VALUE ...]`.
    public var usage: String {
        var parts = ["workbench", name]
        for p in positionals {
            let word = p.repeats ? "\(p.name) ..." : p.name
            parts.append(p.optional ? "[\(word)]" : word)
        }
        for o in options where !o.hidden {
            switch o.kind {
            case .flag: parts.append("[--\(o.name)]")
            case .value(let ph): parts.append("[--\(o.name) \(ph)]")
            case .repeated(let ph): parts.append("[--\(o.name) \(ph) ...]")
            }
        }
        return parts.joined(separator: " ")
    }

    /// The text printed by `--help`.
    public var help: String {
        var lines = ["\(abstract)", "", "USAGE: \(usage)"]
        if !positionals.isEmpty {
            lines += ["", "ARGUMENTS:"]
            for p in positionals { lines.append(Self.row(p.name, p.help)) }
        }
        lines += ["", "OPTIONS:"]
        for o in options where !o.hidden {
            let left: String
            switch o.kind {
            case .flag: left = "--\(o.name)"
            case .value(let ph), .repeated(let ph): left = "--\(o.name) \(ph)"
            }
            lines.append(Self.row(left, o.help))
        }
        lines.append(Self.row("-h, --help", "Show this help and exit."))
        if !discussion.isEmpty { lines += ["", discussion] }
        return lines.joined(separator: "\n") + "\n"
    }

    static func row(_ left: String, _ right: String) -> String {
        let padded = left.count < 24 ? left + String(repeating: " ", count: 24 - left.count) : left + "  "
        return "  " + padded + right
    }

    func option(named name: String) -> Option? { options.first { $0.name == name } }
}
