import Foundation
import WorkbenchRandom

/// The `sweep:` block: which keys vary and how, for `workbench sweep`.
///
/// `grid` runs the cartesian product of value lists (first key outermost, last key fastest, like
/// `itertools.product`); `random` draws `count` points from a generator seeded by the experiment
/// seed (stream `RandomStream.sweep`): a list is a uniform choice, `{min, max}` a uniform draw and
/// `{min, max, log: true}` a log-uniform one. When both ends are integers the draw is an integer.
public struct SweepConfig: Equatable, Sendable {
    public enum Strategy: Equatable, Sendable {
        case grid
        case random(count: Int)
    }

    public enum Domain: Equatable, Sendable {
        case values([ConfigValue])
        case range(min: Double, max: Double, log: Bool, integer: Bool)
    }

    /// One swept key; `mark` is where it was written (errors in its values point there).
    public struct Dimension: Equatable, Sendable {
        public var key: String
        public var domain: Domain
        public var mark: SourceMark
        /// Where each listed value was written (for `.values`), so a bad value names its own column.
        public var valueMarks: [SourceMark] = []

        public init(key: String, domain: Domain, mark: SourceMark, valueMarks: [SourceMark] = []) {
            (self.key, self.domain, self.mark, self.valueMarks) = (key, domain, mark, valueMarks)
        }

        /// The mark of `value` if it is one of the listed values, else the key's mark.
        func mark(of value: ConfigValue) -> SourceMark {
            guard case let .values(values) = domain,
                let i = values.firstIndex(where: { $0.isSame(as: value) }), valueMarks.indices.contains(i)
            else { return mark }
            return valueMarks[i]
        }

        public static func == (a: Dimension, b: Dimension) -> Bool { a.key == b.key && a.domain == b.domain }
    }

    public var strategy: Strategy
    public var dimensions: [Dimension]

    // MARK: Decoding

    static func decode(_ node: YAMLNode, _ d: ConfigDecoder) -> SweepConfig? {
        guard let pairs = d.mapping(node, "sweep") else { return nil }
        for pair in pairs where pair.key != "grid" && pair.key != "random" {
            d.report(
                pair.keyMark, "sweep.\(pair.key)",
                "unknown key '\(pair.key)'; "
                    + suggestion(for: pair.key, among: ["grid", "random"]))
        }
        switch (node["grid"], node["random"]) {
        case (let grid?, nil):
            guard let dims = dimensions(grid, "sweep.grid", d, allowRanges: false) else { return nil }
            return SweepConfig(strategy: .grid, dimensions: dims)
        case (nil, let random?):
            let params = d.params(
                random, "sweep.random", table: ExperimentSchema.sweepRandom, extra: ["space"])
            guard let space = random["space"] else {
                d.report(
                    random.mark, "sweep.random.space",
                    "missing required key 'space' (a mapping of key → values)")
                return nil
            }
            let dims = dimensions(space, "sweep.random.space", d, allowRanges: true)
            guard let count = params["count"]?.int, let dims else { return nil }
            return SweepConfig(strategy: .random(count: count), dimensions: dims)
        default:
            d.report(
                node.mark, "sweep",
                "expected exactly one of 'grid' or 'random', found "
                    + (node["grid"] == nil ? "neither" : "both"))
            return nil
        }
    }

    private static func dimensions(
        _ node: YAMLNode, _ path: String, _ d: ConfigDecoder,
        allowRanges: Bool
    ) -> [Dimension]? {
        guard let pairs = d.mapping(node, path) else { return nil }
        if pairs.isEmpty {
            d.mismatch(node, path, expected: "at least one key to sweep")
            return nil
        }
        var dims: [Dimension] = []
        for pair in pairs {
            let keyPath = "\(path).\(pair.key)"
            if pair.key.hasPrefix("sweep") {
                d.report(
                    pair.keyMark, keyPath,
                    "expected a config key outside the sweep block, found '\(pair.key)'")
                continue
            }
            if let items = pair.value.items, !items.isEmpty {
                let values = items.compactMap { configValue($0) }
                if values.count == items.count {
                    dims.append(
                        Dimension(
                            key: pair.key, domain: .values(values), mark: pair.keyMark,
                            valueMarks: items.map(\.mark)))
                } else {
                    d.mismatch(pair.value, keyPath, expected: "a list of non-null values")
                }
            } else if allowRanges, pair.value.pairs != nil {
                let p = d.params(pair.value, keyPath, table: ExperimentSchema.sweepRange)
                guard let lo = p["min"]?.double, let hi = p["max"]?.double else { continue }
                let log = p.bool("log")
                if lo > hi || (log && lo <= 0) {
                    d.report(
                        pair.value.mark, keyPath,
                        "expected \(log ? "0 < " : "")min ≤ max, found min \(lo), max \(hi)")
                    continue
                }
                let integer = [pair.value["min"], pair.value["max"]].allSatisfy {
                    if case .int? = $0?.scalarValue { return true }
                    return false
                }
                dims.append(
                    Dimension(
                        key: pair.key, domain: .range(min: lo, max: hi, log: log, integer: integer),
                        mark: pair.keyMark))
            } else {
                d.mismatch(
                    pair.value, keyPath,
                    expected: allowRanges
                        ? "a non-empty list of values or {min, max, log}" : "a non-empty list of values")
            }
        }
        return dims.count == pairs.count ? dims : nil
    }

    /// A sweep value as the core schema reads it; nil for null.
    static func configValue(_ node: YAMLNode) -> ConfigValue? {
        switch node.content {
        case .sequence(let items):
            let values = items.compactMap(configValue)
            return values.count == items.count ? .list(values) : nil
        case .mapping:
            return nil
        case .scalar:
            switch node.scalarValue! {
            case .null: return nil
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let v): return .double(v)
            case .string(let s): return .string(s)
            }
        }
    }

    // MARK: Points

    /// The sweep's points: for each child, one value per dimension, in dimension order.
    public func points(seed: UInt64) -> [[ConfigValue]] {
        switch strategy {
        case .grid:
            var points: [[ConfigValue]] = [[]]
            for dim in dimensions {
                guard case .values(let values) = dim.domain else { continue }
                points = points.flatMap { prefix in values.map { prefix + [$0] } }
            }
            return points
        case .random(let count):
            var rng = SplitMix64(seed: seed).derived(RandomStream.sweep.rawValue)
            return (0..<count).map { _ in dimensions.map { draw($0.domain, &rng) } }
        }
    }

    private func draw(_ domain: Domain, _ rng: inout SplitMix64) -> ConfigValue {
        switch domain {
        case .values(let values):
            return values[rng.nextInt(below: values.count)]
        case .range(let lo, let hi, let log, let integer):
            let u = rng.nextDouble()
            if integer && !log { return .int(Int(lo) + rng.nextInt(below: Int(hi) - Int(lo) + 1)) }
            let v =
                log
                ? exp(Foundation.log(lo) + u * (Foundation.log(hi) - Foundation.log(lo))) : lo + (hi - lo) * u
            return integer ? .int(Int(v.rounded())) : .double(v)
        }
    }
}
