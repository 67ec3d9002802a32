import Foundation
import WorkbenchData
import WorkbenchModel

/// Everything built from a config before a run starts: the plan (streams, schedule), the model
/// (network + loss + optimizer behind `TrainableModel`) and the data files it reads. Building it
/// checks the data and the model's shapes, so a config that cannot train fails here — before any
/// run folder exists.
public struct TrainingSetup {
    public var plan: TrainingPlan
    public var model: TrainableModel
    /// (config key, absolute path) of every data file or folder read, for meta.json checksums.
    public var dataFiles: [(key: String, path: String)]
    /// Trainer threads, recorded in meta.json.
    public var threads: Int

    public init(
        plan: TrainingPlan, model: TrainableModel, dataFiles: [(key: String, path: String)], threads: Int
    ) {
        self.plan = plan
        self.model = model
        self.dataFiles = dataFiles
        self.threads = threads
    }

    /// Builds the setup for `config`. Replaceable (tests, or a different back end).
    nonisolated(unsafe) public static var builder: (ExperimentConfig) throws -> TrainingSetup = {
        try make($0)
    }

    /// The data files named by `config` (train and test; images/labels or folder).
    public static func dataFiles(of config: ExperimentConfig) -> [(key: String, path: String)] {
        var files: [(key: String, path: String)] = []
        for (split, source) in [("train", config.data.train), ("test", config.data.test)] {
            guard let source else { continue }
            for field in ["images", "labels", "path"] {
                if let path = source.params[field]?.string { files.append(("data.\(split).\(field)", path)) }
            }
        }
        return files
    }
}
