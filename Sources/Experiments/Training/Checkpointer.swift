import Foundation

/// After every epoch: saves the weights as `weights/best.safetensors` when the epoch is the best so
/// far (see `RunSummary` for "best"), then replaces `checkpoint/` with the model's training state
/// and `checkpoint/state.json` (epoch, step, seed). The new checkpoint is written beside the old one
/// and swapped in by renames, so a crash leaves one complete checkpoint.
public final class Checkpointer: TrainingListener {
    /// state.json: where training stands and the seed every random stream derives from.
    public struct State: Codable, Equatable {
        public var position: TrainingPosition
        public var seed: UInt64
        /// How the random streams' positions follow from the above.
        public var randomStreams: String

        public init(position: TrainingPosition, seed: UInt64, randomStreams: String) {
            self.position = position
            self.seed = seed
            self.randomStreams = randomStreams
        }

        enum CodingKeys: String, CodingKey { case position, seed, randomStreams }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            position = try c.checked(TrainingPosition.self, .position, expected: "an object")
            seed = try c.integer(.seed, in: 0...UInt64.max)
            randomStreams = try c.checked(String.self, .randomStreams, expected: "a string")
        }
    }

    public let folder: RunFolder
    public let model: TrainableModel
    public let seed: UInt64
    private var rows: [[String: String]] = []

    public init(folder: RunFolder, model: TrainableModel, seed: UInt64) {
        self.folder = folder
        self.model = model
        self.seed = seed
    }

    public func runWillStart(at position: TrainingPosition, epochs: Int, batchesPerEpoch: Int) throws {
        try FileManager.default.createDirectory(at: folder.weights, withIntermediateDirectories: true)
        rows = try folder.readEpochs().filter { (Int($0["epoch"] ?? "") ?? Int.max) <= position.epoch }
    }

    public func epochDidEnd(_ event: EpochEvent) throws {
        rows.append(event.row)
        if RunSummary.lastIsBest(rows) {
            try model.saveWeights(to: folder.weights.appendingPathComponent("best.safetensors"))
        }
        try save(
            State(
                position: event.position, seed: seed,
                randomStreams:
                    "derived from seed: shuffle and augmentation by epoch and sample, dropout by step"))
    }

    public func runDidEnd(_ outcome: RunOutcome, at position: TrainingPosition) throws {
        if outcome == .completed {
            try model.saveWeights(to: folder.weights.appendingPathComponent("final.safetensors"))
        }
    }

    private func save(_ state: State) throws {
        let fm = FileManager.default
        let partial = folder.url.appendingPathComponent("checkpoint.partial", isDirectory: true)
        let previous = folder.url.appendingPathComponent("checkpoint.previous", isDirectory: true)
        try? fm.removeItem(at: partial)
        try fm.createDirectory(at: partial, withIntermediateDirectories: true)
        try model.saveTrainingState(to: partial)
        try AtomicFile.writeJSON(state, to: partial.appendingPathComponent("state.json"))
        try? fm.removeItem(at: previous)
        if fm.fileExists(atPath: folder.checkpoint.path) {
            try fm.moveItem(at: folder.checkpoint, to: previous)
        }
        try fm.moveItem(at: partial, to: folder.checkpoint)
        try? fm.removeItem(at: previous)
    }

    /// The checkpoint of `folder` (or the previous one if a swap was cut short), if any.
    public static func latest(in folder: RunFolder) throws -> (state: State, url: URL)? {
        let previous = folder.url.appendingPathComponent("checkpoint.previous", isDirectory: true)
        for url in [folder.checkpoint, previous] {
            let stateURL = url.appendingPathComponent("state.json")
            if FileManager.default.fileExists(atPath: stateURL.path) {
                return (try JSON.read(State.self, from: stateURL), url)
            }
        }
        return nil
    }
}
