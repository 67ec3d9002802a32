import Foundation

/// Why bytes are not JSON, as `JSONSerialization` says it, with its "around character N" turned into
/// a line and column. One place for every reader of a JSON file (run files, checkpoints).
public enum JSONSyntax {
    /// nil when `data` parses as JSON; otherwise the parser's reason ("unexpected character at line 3,
    /// column 7"; first letter lower-cased, no final period), or "" when it gives none.
    public static func problem(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            guard var detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String else {
                return ""
            }
            if let range = detail.range(of: #"around character \d+"#, options: .regularExpression),
                let offset = Int(detail[range].split(separator: " ").last!)
            {
                let before = data.prefix(max(0, offset))
                let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
                let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
                detail.replaceSubrange(range, with: "at line \(line), column \(column)")
            }
            if detail.hasSuffix(".") { detail.removeLast() }
            return detail.prefix(1).lowercased() + detail.dropFirst()
        }
    }
}
