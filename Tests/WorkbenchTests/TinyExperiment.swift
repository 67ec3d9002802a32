import Foundation
import XCTest

/// A tiny generated experiment: IDX files of 4×4 (or given size) images in three classes (class k
/// bright in row band k, plus seeded noise) and an experiment file using them.
struct TinyExperiment {
    let folder: URL
    var file: URL { folder.appendingPathComponent("exp.yaml") }
    var store: URL { folder.appendingPathComponent("runs") }

    init(in folder: URL, trainCount: Int = 48, testCount: Int = 12, size: Int = 6) throws {
        self.folder = folder
        try Self.writeIDX(
            folder.appendingPathComponent("train-images.idx"),
            folder.appendingPathComponent("train-labels.idx"), count: trainCount, size: size, seed: 1)
        try Self.writeIDX(
            folder.appendingPathComponent("test-images.idx"),
            folder.appendingPathComponent("test-labels.idx"), count: testCount, size: size, seed: 2)
    }

    static func writeIDX(_ images: URL, _ labels: URL, count: Int, size: Int, seed: UInt64) throws {
        var state = seed
        func next() -> UInt8 {  // a small LCG is enough for test noise
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 59)
        }
        func bigEndian(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        var imageBytes: [UInt8] = [0, 0, 8, 3] + bigEndian(count) + bigEndian(size) + bigEndian(size)
        var labelBytes: [UInt8] = [0, 0, 8, 1] + bigEndian(count)
        for i in 0..<count {
            let label = i % 3
            labelBytes.append(UInt8(label))
            for y in 0..<size {
                for _ in 0..<size { imageBytes.append((y * 3 / size == label ? 200 : 30) + next()) }
            }
        }
        try Data(imageBytes).write(to: images)
        try Data(labelBytes).write(to: labels)
    }

    /// Writes exp.yaml from `yaml` (with `TRAIN`/`TEST` data lines prepended) and returns its path.
    func write(_ yaml: String, name: String = "exp.yaml") throws -> String {
        let url = folder.appendingPathComponent(name)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let dataBlock = """
        data:
          train: {format: idx, images: train-images.idx, labels: train-labels.idx}
          test: {format: idx, images: test-images.idx, labels: test-labels.idx}
        """

    /// A dense softmax classifier trained for two short epochs.
    static let basic = """
        name: tiny
        seed: 7
        \(dataBlock)
        model:
          - flatten
          - dense: {units: 3}
        optimizer: {name: sgd, lr: 0.1, momentum: 0.9}
        training: {epochs: 2, batch_size: 8, threads: 1, workers: 1}

        """
}

/// A test case with a fresh temporary folder holding a `TinyExperiment`, removed afterwards.
class TinyExperimentTestCase: XCTestCase {
    var dir: URL!
    var tiny: TinyExperiment!

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory()
        tiny = try TinyExperiment(in: dir)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The run's meta.json as a dictionary.
    func meta(_ id: String) throws -> [String: Any] {
        let url = tiny.store.appendingPathComponent(id).appendingPathComponent("meta.json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
}
