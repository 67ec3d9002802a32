/// What `DataInspector.inspect` found in a file or folder, with a text rendering for people.
public struct DataReport: Sendable, Equatable {
    /// What kind of data the path holds.
    public enum Kind: String, Sendable {
        case idxImages = "IDX images"
        case idxLabels = "IDX labels"
        case idxArray = "IDX array"
        case png = "PNG image"
        case imageFolder = "image folder"
    }

    /// A class (label value or folder name) and how many samples it has.
    public struct ClassCount: Sendable, Equatable {
        public var name: String
        public var count: Int
    }

    public var path: String
    public var kind: Kind
    /// Images, labels or elements along the first axis (1 for a PNG).
    public var count: Int
    /// IDX: the file's dimensions; PNG and folders: [channels, height, width] of a sample.
    public var shape: [Int]
    /// IDX element type ("uint8", …); PNG: "uint8" or "uint16".
    public var elementType: String?
    /// Channels of a decoded sample.
    public var channels: Int?
    /// PNG bit depth (per stored sample).
    public var bitDepth: Int?
    /// PNG colour type ("grey", "RGB", "palette", …).
    public var colorType: String?
    /// Label counts (IDX labels) or images per class folder; empty otherwise.
    public var classes: [ClassCount]
    /// Smallest and largest value, mean and standard deviation (population), all on the [0, 1]
    /// scale the network sees (uint8 / 255; other IDX types as stored). They cover the finite values
    /// only (`finiteCount` of them; NaN and ±infinity are counted in `nonFinite`) and are 0 when there
    /// is none.
    public var minimum: Double
    public var maximum: Double
    public var mean: Double
    public var std: Double
    /// Values the statistics cover.
    public var finiteCount: Int
    /// NaN and infinite values (float IDX files only), left out of the statistics.
    public var nonFinite: NonFiniteCounts

    /// How many NaN, +infinity and −infinity values a file holds.
    public struct NonFiniteCounts: Sendable, Equatable {
        public var nan = 0
        public var positiveInfinity = 0
        public var negativeInfinity = 0

        public init(nan: Int = 0, positiveInfinity: Int = 0, negativeInfinity: Int = 0) {
            self.nan = nan
            self.positiveInfinity = positiveInfinity
            self.negativeInfinity = negativeInfinity
        }

        public var total: Int { nan + positiveInfinity + negativeInfinity }
    }

    /// A few aligned lines, e.g. `kind: IDX images`.
    public var text: String {
        var lines: [(String, String)] = [("path", path), ("kind", kind.rawValue), ("count", "\(count)"),
                                         ("shape", "[" + shape.map(String.init).joined(separator: ", ") + "]")]
        if let elementType { lines.append(("element type", elementType)) }
        if let colorType { lines.append(("colour type", colorType)) }
        if let bitDepth { lines.append(("bit depth", "\(bitDepth)")) }
        if let channels { lines.append(("channels", "\(channels)")) }
        if finiteCount == 0 {
            let none = nonFinite.total > 0 ? "none (no finite values)" : "none (no values)"
            lines += [("value range", none), ("mean", "none"), ("std", "none")]
        } else {
            lines.append(("value range", "\(format(minimum)) … \(format(maximum))"))
            lines.append(("mean", format(mean)))
            lines.append(("std", format(std)))
        }
        if nonFinite.total > 0 {
            let n = nonFinite
            lines.append(("non-finite", "\(n.total) of \(finiteCount + n.total) values (\(n.nan) NaN, "
                + "\(n.positiveInfinity) +inf, \(n.negativeInfinity) -inf)" + (finiteCount == 0 ? ""
                    : "; value range, mean and std cover the \(finiteCount) finite values")))
        }
        if !classes.isEmpty {
            lines.append(("classes", "\(classes.count)"))
            for c in classes { lines.append(("  " + c.name, "\(c.count)")) }
        }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0 + ":" + String(repeating: " ", count: width - $0.0.count + 1) + $0.1 }
            .joined(separator: "\n") + "\n"
    }

    /// Six decimals at most; magnitudes from 10^12 up (and non-finite values) in Swift's shortest
    /// form, e.g. `3e+38`.
    private func format(_ value: Double) -> String {
        guard value.isFinite && abs(value) < 1e12 else { return "\(value)" }
        let rounded = (value * 1_000_000).rounded() / 1_000_000
        return rounded == rounded.rounded() ? String(Int(rounded)) : "\(rounded)"
    }
}

/// Running min, max, mean and variance (Welford's algorithm, in doubles) of the finite values;
/// NaN and infinities are only counted.
struct RunningStatistics {
    /// Finite values seen.
    private(set) var count = 0
    private(set) var nonFinite = DataReport.NonFiniteCounts()
    private(set) var minimum = Double.infinity
    private(set) var maximum = -Double.infinity
    private(set) var mean = 0.0
    private var m2 = 0.0

    mutating func add(_ x: Double) {
        guard x.isFinite else {
            if x.isNaN { nonFinite.nan += 1 } else if x > 0 { nonFinite.positiveInfinity += 1 } else {
                nonFinite.negativeInfinity += 1
            }
            return
        }
        count += 1
        minimum = Swift.min(minimum, x)
        maximum = Swift.max(maximum, x)
        let delta = x - mean
        mean += delta / Double(count)
        m2 += delta * (x - mean)
    }

    /// Adds `x` as if seen `n` times (for histograms).
    mutating func add(_ x: Double, times n: Int) {
        precondition(x.isFinite, "histogram values are finite, got \(x)")
        guard n > 0 else { return }
        let total = count + n
        minimum = Swift.min(minimum, x)
        maximum = Swift.max(maximum, x)
        let delta = x - mean
        mean += delta * Double(n) / Double(total)
        m2 += delta * delta * Double(count) * Double(n) / Double(total)
        count = total
    }

    /// Population standard deviation.
    var std: Double { count > 0 ? (m2 / Double(count)).squareRoot() : 0 }
}
