import Foundation
import WorkbenchRandom
import XCTest

@testable import WorkbenchModel

final class CheckpointTests: XCTestCase {
    private struct RunState: Codable, Equatable {
        var epoch: Int
        var step: Int
        var shuffle: SplitMix64
    }

    private var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "checkpoint-tests-" + UUID().uuidString
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// Parameters stepped twice by Adam, so the optimizer has real state.
    private func trainedState() -> (weights: [String: Tensor], optimizer: [String: Tensor]) {
        let weight = Parameter(
            name: "layers.0.weight", value: Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6]))
        let bias = Parameter(name: "layers.0.bias", value: Tensor(shape: [2], storage: [0.5, -0.5]))
        let adam = Adam()
        for step in 0..<2 {
            weight.grad = Tensor(shape: [2, 3], storage: (0..<6).map { Float($0 - step) * 0.1 })
            bias.grad = Tensor(shape: [2], storage: [0.3, Float(step)])
            adam.step([weight, bias], learningRate: 0.01)
        }
        return ([weight.name: weight.value, bias.name: bias.value], adam.stateTensors())
    }

    func testRoundTripIsExactIncludingLargeRandomState() throws {
        let (weights, optimizer) = trainedState()
        // A generator state above 2^53 must survive JSON exactly.
        let extra = RunState(epoch: 3, step: 1234, shuffle: SplitMix64(seed: 0xFEDC_BA98_7654_3211))
        try Checkpoint(weights: weights, optimizerState: optimizer, extra: extra).save(to: folder)
        XCTAssertEqual(files(), ["checkpoint.json", "optimizer-1.safetensors", "weights-1.safetensors"])
        let loaded = try Checkpoint<RunState>.load(from: folder)
        XCTAssertEqual(loaded.weights, weights)
        XCTAssertEqual(loaded.optimizerState, optimizer)
        XCTAssertEqual(loaded.extra, extra)
        // The restored optimizer continues exactly like the original.
        let restored = Adam()
        try restored.loadState(loaded.optimizerState)
        XCTAssertEqual(restored.stateTensors(), optimizer)
        XCTAssertEqual(restored.stepCount, 2)
        // The weights file alone is an ordinary safetensors file.
        XCTAssertEqual(try Safetensors.read(from: folder + "/weights-1.safetensors").tensors, weights)
    }

    func testSavingAgainReplacesAndRemovesOldGeneration() throws {
        let (weights, optimizer) = trainedState()
        try Checkpoint(weights: weights, optimizerState: optimizer, extra: 1).save(to: folder)
        var changed = weights
        changed["layers.0.bias"] = Tensor(shape: [2], storage: [9, 9])
        try Checkpoint(weights: changed, optimizerState: optimizer, extra: 2).save(to: folder)
        XCTAssertEqual(files(), ["checkpoint.json", "optimizer-2.safetensors", "weights-2.safetensors"])
        let loaded = try Checkpoint<Int>.load(from: folder)
        XCTAssertEqual(loaded.extra, 2)
        XCTAssertEqual(loaded.weights["layers.0.bias"], Tensor(shape: [2], storage: [9, 9]))
    }

    func testCrashBeforeManifestLeavesPreviousCheckpointReadable() throws {
        let (weights, optimizer) = trainedState()
        try Checkpoint(weights: weights, optimizerState: optimizer, extra: 7).save(to: folder)
        // A save that died after writing its weights (and a half-written temporary file), before the
        // manifest was replaced:
        try Safetensors.write(
            ["layers.0.bias": Tensor(shape: [1], storage: [0])], to: folder + "/weights-2.safetensors")
        FileManager.default.createFile(
            atPath: folder + "/.optimizer-2.safetensors.tmp-x", contents: Data([1, 2]))
        let loaded = try Checkpoint<Int>.load(from: folder)
        XCTAssertEqual(loaded.extra, 7)
        XCTAssertEqual(loaded.weights, weights)
        // The next save skips the orphaned generation and cleans it up.
        try Checkpoint(weights: weights, optimizerState: optimizer, extra: 8).save(to: folder)
        XCTAssertEqual(try Checkpoint<Int>.load(from: folder).extra, 8)
        XCTAssertEqual(
            files(),
            [
                ".optimizer-2.safetensors.tmp-x", "checkpoint.json", "optimizer-3.safetensors",
                "weights-3.safetensors",
            ])
    }

    private func assertLoadFails(_ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Checkpoint<Int>.load(from: folder), file: file, line: line) { error in
            XCTAssertTrue(
                "\(error)".contains(expected), "expected '\(expected)' in: \(error)", file: file, line: line)
        }
    }

    func testErrorsNameTheFileAndProblem() throws {
        assertLoadFails(
            folder + "/checkpoint.json: expected the checkpoint manifest (format, generation, the weights"
                + " and optimizer file names, extra state), found no such file")
        let (weights, optimizer) = trainedState()
        try Checkpoint(weights: weights, optimizerState: optimizer, extra: 1).save(to: folder)
        let manifest = folder + "/checkpoint.json"
        let good = try String(contentsOfFile: manifest, encoding: .utf8)

        try "{\n  \"format\": 1 2\n}".write(toFile: manifest, atomically: true, encoding: .utf8)
        assertLoadFails(
            manifest + ": not a valid checkpoint manifest: expected a JSON object, found malformed JSON (")
        assertLoadFails("at line 2, column")
        try "".write(toFile: manifest, atomically: true, encoding: .utf8)
        assertLoadFails(manifest + ": not a valid checkpoint manifest: expected a JSON object, found an empty file")
        try "[]".write(toFile: manifest, atomically: true, encoding: .utf8)
        assertLoadFails(manifest + ": not a valid checkpoint manifest: the top level: expected a JSON object")
        try good.replacingOccurrences(of: "\"generation\"", with: "\"gen\"").write(
            toFile: manifest, atomically: true,
            encoding: .utf8)
        assertLoadFails("missing key 'generation'")
        try good.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 9").write(
            toFile: manifest,
            atomically: true, encoding: .utf8)
        assertLoadFails(
            "expected format workbench-checkpoint version 1, found workbench-checkpoint version 9")
        try good.replacingOccurrences(of: "weights-1", with: "../weights-1").write(
            toFile: manifest, atomically: true,
            encoding: .utf8)
        assertLoadFails("must be a plain name inside the folder")
        // Valid JSON whose number does not fit the field: the key is named, not "invalid JSON".
        try good.replacingOccurrences(of: "\"extra\" : 1", with: "\"extra\" : 1e30").write(
            toFile: manifest, atomically: true, encoding: .utf8)
        assertLoadFails(
            "not a valid checkpoint manifest: key 'extra': expected the trainer's state (Int), found 1e+30")
        try good.replacingOccurrences(of: "\"generation\" : 1", with: "\"generation\" : -1.5").write(
            toFile: manifest, atomically: true, encoding: .utf8)
        assertLoadFails("key 'generation': expected an integer, found -1.5")
        try good.write(toFile: manifest, atomically: true, encoding: .utf8)

        var foreign = optimizer
        foreign["layers.9.weight.exp_avg"] = Tensor(zeros: [1])
        try Safetensors.write(foreign, to: folder + "/optimizer-1.safetensors")
        assertLoadFails("optimizer-1.safetensors: state 'layers.9.weight.exp_avg' belongs to no weight")
        var misshapen = optimizer
        misshapen["layers.0.bias.exp_avg"] = Tensor(zeros: [3])
        try Safetensors.write(misshapen, to: folder + "/optimizer-1.safetensors")
        assertLoadFails(
            "state 'layers.0.bias.exp_avg' has shape [3], expected [2] like weight 'layers.0.bias'")

        try FileManager.default.removeItem(atPath: folder + "/weights-1.safetensors")
        assertLoadFails(folder + "/weights-1.safetensors: cannot read safetensors file")
    }
}
