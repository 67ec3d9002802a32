import Foundation
import XCTest

@testable import WorkbenchExperiments

/// A temporary folder with empty stand-in data files and helpers to load experiment text from it.
final class ConfigFixture {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "exp-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(
            atPath: folder + "/data/classes", withIntermediateDirectories: true)
        for file in ["train-images.gz", "train-labels.gz", "test-images.gz", "test-labels.gz"] {
            FileManager.default.createFile(atPath: folder + "/data/" + file, contents: Data())
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Writes `text` as exp.yaml in the folder and returns its path.
    func write(_ text: String, name: String = "exp.yaml") throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func load(_ text: String, overrides: [String] = [], seed: UInt64 = 99) throws -> ExperimentConfig {
        try ExperimentConfig.load(file: write(text), overrides: overrides, drawSeed: { seed })
    }

    /// The diagnostics of a config that must fail, with the folder replaced by `DIR`.
    func errors(_ text: String, overrides: [String] = [], file: StaticString = #filePath, line: UInt = #line)
        -> [String]
    {
        do {
            _ = try load(text, overrides: overrides)
            XCTFail("expected the config to be rejected", file: file, line: line)
            return []
        } catch let error as ConfigError {
            return error.diagnostics.map { $0.description.replacingOccurrences(of: folder, with: "DIR") }
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return []
        }
    }

    static let minimal = """
        name: tiny
        data:
          train: {format: idx, images: data/train-images.gz, labels: data/train-labels.gz}
        model:
          - flatten
          - dense: {units: 10}

        """
}
