/// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions at cost 1, so the
/// common typo `sdt` for `std` is one edit. (The CLI's plain `editDistance` lives in ParsedArguments.)
func typoDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}

/// The closest candidate to a misspelt name, if it is close enough to be a plausible typo:
/// at most 1 edit for names up to 3 characters, 2 up to 6, 3 beyond (case-insensitive).
func closest(to name: String, among candidates: [String]) -> String? {
    let limit = name.count <= 3 ? 1 : name.count <= 6 ? 2 : 3
    let scored = candidates.map { ($0, typoDistance(name.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
    return best.0
}

/// "did you mean 'lr'?" or the list of what is allowed.
func suggestion(for name: String, among candidates: [String]) -> String {
    if let match = closest(to: name, among: candidates) { return "did you mean '\(match)'?" }
    return "expected one of: " + candidates.joined(separator: ", ")
}
