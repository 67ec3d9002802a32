/// A command line split by a `CommandSpec`: positionals in order, option values by name, flags.
///
/// Accepted forms: `--name value`, `--name=value`, repeated options kept in order, flags, and `--`
/// ending option parsing (everything after it is positional). `-h`/`--help` anywhere asks for help.
public struct ParsedArguments: Equatable {
    public var positionals: [String] = []
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var helpRequested = false

    /// Parses `arguments` (without the program and command names) against `spec`.
    /// Throws `CLIError.usage` naming the offending argument.
    public init(_ arguments: [String], spec: CommandSpec) throws {
        func usage(_ message: String) -> CLIError { .usage(message, usage: spec.usage) }
        // `-h`/`--help` anywhere before `--` asks for help, whatever else is there (`--store` with no
        // value, a missing argument).
        if arguments.prefix(while: { $0 != "--" }).contains(where: { $0 == "-h" || $0 == "--help" }) {
            helpRequested = true
            return
        }
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let arg = arguments[index]
            index += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                positionals.append(arg)
                continue
            }
            if arg == "--" {
                onlyPositionals = true
                continue
            }
            if arg == "-h" || arg == "--help" {
                helpRequested = true
                continue
            }
            if arg.hasPrefix("--help=") {
                throw usage("option '--help' takes no value, found '\(arg.dropFirst("--help=".count))'")
            }
            guard arg.hasPrefix("--") else {
                throw usage("unknown option '\(arg)' (options are spelled --name)")
            }
            let body = arg.dropFirst(2)
            let name: String
            var inlineValue: String?
            if let eq = body.firstIndex(of: "=") {
                name = String(body[..<eq])
                inlineValue = String(body[body.index(after: eq)...])
            } else {
                name = String(body)
            }
            guard let option = spec.option(named: name) else {
                let names = spec.options.map(\.name) + ["help"]
                var message = "unknown option '--\(name)' for 'workbench \(spec.name)'"
                if let guess = closestMatch(to: name, in: names) {
                    message += " (did you mean '--\(guess)'?)"
                }
                throw usage(message)
            }
            switch option.kind {
            case .flag:
                if inlineValue != nil { throw usage("option '--\(name)' is a flag and takes no value") }
                flags.insert(name)
            case .value, .repeated:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw usage("option '--\(name)' needs a value") }
                    value = arguments[index]
                    index += 1
                }
                guard !value.isEmpty else {
                    throw usage("option '--\(name)' needs a non-empty value, found ''")
                }
                if case .value = option.kind, values[name] != nil {
                    throw usage("option '--\(name)' given more than once")
                }
                values[name, default: []].append(value)
            }
        }
        if helpRequested { return }
        let required = spec.positionals.filter { !$0.optional }.count
        let unbounded = spec.positionals.contains { $0.repeats }
        if positionals.count < required {
            let missing = spec.positionals.filter { !$0.optional }[positionals.count].name
            throw usage("missing argument \(missing)")
        }
        if !unbounded && positionals.count > spec.positionals.count {
            throw usage("unexpected argument '\(positionals[spec.positionals.count])'")
        }
        if let empty = positionals.firstIndex(where: \.isEmpty) {
            let name = spec.positionals[min(empty, spec.positionals.count - 1)].name
            throw usage("empty \(name) (expected a non-empty argument, found '')")
        }
    }

    /// The single value of option `name`, if given.
    public func value(_ name: String) -> String? { values[name]?.last }

    /// All values of a repeated option, in the order given.
    public func all(_ name: String) -> [String] { values[name] ?? [] }

    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of option `name` as an integer in `range`; a usage error names the option otherwise.
    public func integer(_ name: String, in range: ClosedRange<Int>, usage: String) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            let bound = range.upperBound == Int.max ? "≥ \(range.lowerBound)" : "in \(range)"
            throw CLIError.usage(
                "option '--\(name)' expects an integer \(bound), found '\(text)'", usage: usage)
        }
        return number
    }
}

/// The candidate nearest to `word` when near enough to be a likely typo (the config's rule, see
/// `closest(to:among:)`).
func closestMatch(to word: String, in candidates: [String]) -> String? {
    closest(to: word, among: candidates)
}

/// Levenshtein distance between two strings (insertions, deletions, substitutions each cost 1).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where j <= b.count {
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
