import Foundation

/// summary.json: the last epoch's metrics and the best epoch's.
///
/// The best epoch is the one with the highest validation accuracy; without a validation split,
/// the highest test accuracy; without accuracies (e.g. an mse loss), the lowest validation, then
/// test, then training loss. NaN is never best; ties go to the earliest epoch. `best.safetensors`
/// holds the weights of that epoch.
public struct RunSummary: Codable, Equatable {
    public var epochs: Int
    public var finalEpoch: Int?
    public var final: [String: Double]
    public var bestBy: String?
    public var bestEpoch: Int?
    public var best: [String: Double]

    /// Which metric picks the best epoch, in order of preference, and whether higher is better.
    public static let bestCriteria: [(metric: String, higherIsBetter: Bool)] = [
        ("val_acc", true), ("test_acc", true), ("val_loss", false), ("test_loss", false),
        ("train_loss", false),
    ]

    /// The metrics (non-timing, non-empty) of each row of epochs.csv.
    public static let metricColumns = MetricsLog.epochColumns.filter {
        $0 != "epoch" && $0 != "lr" && !MetricsLog.timingColumns.contains($0)
    }

    public init(epochRows: [[String: String]]) {
        func metrics(_ row: [String: String]) -> [String: Double] {
            var result: [String: Double] = [:]
            for column in RunSummary.metricColumns {
                if let v = row[column].flatMap(CSV.number) { result[column] = v }
            }
            return result
        }
        epochs = epochRows.count
        finalEpoch = epochRows.last.flatMap { $0["epoch"].flatMap { Int($0) } }
        final = epochRows.last.map(metrics) ?? [:]
        best = [:]
        for (metric, higher) in RunSummary.bestCriteria {
            var bestRow: [String: String]?
            var bestValue = 0.0
            for row in epochRows {
                guard let value = row[metric].flatMap(CSV.number), !value.isNaN else { continue }
                if bestRow == nil || (higher ? value > bestValue : value < bestValue) {
                    bestRow = row
                    bestValue = value
                }
            }
            if let bestRow {
                bestBy = metric
                bestEpoch = bestRow["epoch"].flatMap { Int($0) }
                best = metrics(bestRow)
                break
            }
        }
    }

    /// Whether the epoch just added to `rows` (the last one) is the new best.
    public static func lastIsBest(_ rows: [[String: String]]) -> Bool {
        let summary = RunSummary(epochRows: rows)
        return summary.bestEpoch != nil && summary.bestEpoch == summary.finalEpoch
    }
}
