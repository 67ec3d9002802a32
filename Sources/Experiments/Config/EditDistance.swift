// Levenshtein `editDistance(_:_:)` lives beside the CLI's argument parser (CLI/ParsedArguments.swift);
// the config's did-you-mean uses the same function with a threshold tuned for short key names.

/// The closest candidate to a misspelt name, if it is close enough to be a plausible typo:
/// at most 1 edit for names up to 3 characters, 2 up to 6, 3 beyond (case-insensitive).
func closest(to name: String, among candidates: [String]) -> String? {
    let limit = name.count <= 3 ? 1 : name.count <= 6 ? 2 : 3
    let scored = candidates.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
    return best.0
}

/// "did you mean 'lr'?" or the list of what is allowed.
func suggestion(for name: String, among candidates: [String]) -> String {
    if let match = closest(to: name, among: candidates) { return "did you mean '\(match)'?" }
    return "expected one of: " + candidates.joined(separator: ", ")
}
