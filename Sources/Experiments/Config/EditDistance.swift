/// Levenshtein distance (insertions, deletions, substitutions each cost 1).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where j <= b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

/// The closest candidate to a misspelt name, if it is close enough to be a plausible typo:
/// at most 1 edit for names up to 3 characters, 2 up to 6, 3 beyond.
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
