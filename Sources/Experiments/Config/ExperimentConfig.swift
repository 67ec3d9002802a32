import Foundation

/// A checked experiment: everything `workbench run` needs, with every default filled in, the seed
/// fixed and data paths absolute, so its resolved YAML reruns the experiment on its own.
///
/// Read one with `ExperimentConfig.load(file:overrides:)`; the schema is in docs/experiment-file.md
/// and, as data, in `ExperimentSchema`.
public struct ExperimentConfig: Equatable, Sendable {
    public var name: String
    public var description: String?
    /// Root seed of every random stream; drawn at load when the file has none.
    public var seed: UInt64
    public var data: DataConfig
    /// Augmentations applied in order to training samples only.
    public var augment: [AugmentConfig]
    public var model: [LayerConfig]
    public var loss: LossConfig
    public var optimizer: OptimizerConfig
    public var schedule: ScheduleConfig
    public var training: TrainingConfig
    /// Only used by `workbench sweep`; children have none.
    public var sweep: SweepConfig?
    /// For a sweep child: the values its sweep point set, in sweep-key order.
    public var sweepValues: [SweepValue]
}

/// Where the images come from and how they are prepared.
public struct DataConfig: Equatable, Sendable {
    public var train: DataSource
    public var test: DataSource?
    public var channels: Int
    /// [height, width] for folder datasets, or nil to require every image at one size.
    public var resize: [Int]?
    /// Fraction of the training set held out for validation, 0 ≤ v < 1.
    public var validation: Double
    public var normalize: NormalizeConfig?
    /// Where `train`, `test` and `validation` were written, so the data checks can name the line;
    /// not part of equality.
    public var marks: [String: SourceMark] = [:]

    public static func == (a: DataConfig, b: DataConfig) -> Bool {
        a.train == b.train && a.test == b.test && a.channels == b.channels && a.resize == b.resize
            && a.validation == b.validation && a.normalize == b.normalize
    }
}

/// One dataset: IDX files (`images`, `labels`) or an image folder (`path`). Paths are absolute.
public struct DataSource: Equatable, Sendable {
    /// `idx` or `folder`.
    public var format: String
    public var params: Params

    public var images: String? { params["images"]?.string }
    public var labels: String? { params["labels"]?.string }
    public var path: String? { params["path"]?.string }
}

/// Per-channel (or global) mean and standard deviation: x ↦ (x − mean) / std.
public struct NormalizeConfig: Equatable, Sendable {
    /// One value for every channel, or one per channel.
    public var mean: [Double]
    public var std: [Double]
}

/// A checked section chosen by name (a layer, augmentation, loss, optimizer or schedule).
public protocol NamedConfig: Equatable, Sendable {
    var name: String { get }
    var params: Params { get }
    init(name: String, params: Params)
}

/// One layer of `model:`, e.g. `conv` with filters, kernel, stride, padding, bias, init, table.
public struct LayerConfig: NamedConfig {
    public var name: String
    public var params: Params
    /// Where the entry was written, so later checks (shapes) can name its line; not part of equality.
    public var mark: SourceMark

    public init(name: String, params: Params) {
        (self.name, self.params, self.mark) = (name, params, .generated)
    }

    public init(name: String, params: Params, mark: SourceMark) {
        (self.name, self.params, self.mark) = (name, params, mark)
    }

    public static func == (a: LayerConfig, b: LayerConfig) -> Bool {
        a.name == b.name && a.params == b.params
    }
}

/// One entry of `augment:`, e.g. `hflip` with `p`.
public struct AugmentConfig: NamedConfig {
    public var name: String
    public var params: Params
    /// Where the entry was written, so later checks (shapes) can name its line; not part of equality.
    public var mark: SourceMark

    public init(name: String, params: Params) {
        (self.name, self.params, self.mark) = (name, params, .generated)
    }

    public init(name: String, params: Params, mark: SourceMark) {
        (self.name, self.params, self.mark) = (name, params, mark)
    }

    public static func == (a: AugmentConfig, b: AugmentConfig) -> Bool {
        a.name == b.name && a.params == b.params
    }
}

/// `loss:` — cross_entropy (label_smoothing), mse or nll.
public struct LossConfig: NamedConfig {
    public var name: String
    public var params: Params
    public init(name: String, params: Params) { (self.name, self.params) = (name, params) }
}

/// `optimizer:` — sgd, adam, adamw or rmsprop with their hyper-parameters.
public struct OptimizerConfig: NamedConfig {
    public var name: String
    public var params: Params
    public init(name: String, params: Params) { (self.name, self.params) = (name, params) }

    /// The base learning rate.
    public var lr: Double { params.double("lr") }
}

/// `schedule:` — constant, step, multistep, exponential, cosine or onecycle, plus warm-up epochs.
public struct ScheduleConfig: NamedConfig {
    public var name: String
    public var params: Params
    public init(name: String, params: Params) { (self.name, self.params) = (name, params) }

    public var warmup: Int { params.int("warmup") }
}

/// `training:` — epochs, batch size, threads, loader workers, drop_last, chunk.
public struct TrainingConfig: Equatable, Sendable {
    public var params: Params
    /// Where `batch_size` was written (or the section, or the file), so the batch-size check can
    /// name its line; not part of equality.
    public var batchSizeMark: SourceMark = .generated

    public init(params: Params, batchSizeMark: SourceMark = .generated) {
        (self.params, self.batchSizeMark) = (params, batchSizeMark)
    }

    public static func == (a: TrainingConfig, b: TrainingConfig) -> Bool { a.params == b.params }

    public var epochs: Int { params.int("epochs") }
    public var batchSize: Int { params.int("batch_size") }
    public var threads: Int { params.int("threads") }
    public var workers: Int { params.int("workers") }
    public var dropLast: Bool { params.bool("drop_last") }
    public var chunk: Int { params.int("chunk") }
}

/// One value a sweep point set, as written in the child's `sweep_values`.
public struct SweepValue: Equatable, Sendable {
    public var key: String
    public var value: String

    public init(key: String, value: String) { (self.key, self.value) = (key, value) }
}
