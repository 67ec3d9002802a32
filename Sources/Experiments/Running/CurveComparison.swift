import Foundation

/// Compares two runs' epoch curves, ignoring timing columns: the check behind `workbench reproduce`.
public enum CurveComparison {
    /// nil when identical; otherwise a description of the first differing epoch and its values.
    public static func firstDifference(_ a: [[String: String]], _ b: [[String: String]]) -> String? {
        let columns = MetricsLog.epochColumns.filter { !MetricsLog.timingColumns.contains($0) }
        for index in 0..<max(a.count, b.count) {
            guard index < a.count, index < b.count else {
                return "epoch counts differ: \(a.count) vs \(b.count) (first missing epoch \(index + 1))"
            }
            let differing = columns.filter { (a[index][$0] ?? "") != (b[index][$0] ?? "") }
            if !differing.isEmpty {
                let values = differing.map { "\($0) \(a[index][$0] ?? "") vs \(b[index][$0] ?? "")" }
                return "first difference at epoch \(a[index]["epoch"] ?? String(index + 1)): "
                    + values.joined(separator: ", ")
            }
        }
        return nil
    }
}
