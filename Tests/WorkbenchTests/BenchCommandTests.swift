import Foundation
import XCTest

/// `workbench bench` through the built binary, on generated 28×28 IDX files.
final class BenchCommandTests: XCTestCase {
    /// Writes the four Fashion-MNIST file names (uncompressed) with band-pattern images.
    private func writeData(in dir: URL, train: Int, test: Int) throws {
        try TinyExperiment.writeIDX(
            dir.appendingPathComponent("train-images-idx3-ubyte"),
            dir.appendingPathComponent("train-labels-idx1-ubyte"), count: train, size: 28, seed: 1)
        try TinyExperiment.writeIDX(
            dir.appendingPathComponent("t10k-images-idx3-ubyte"),
            dir.appendingPathComponent("t10k-labels-idx1-ubyte"), count: test, size: 28, seed: 2)
    }

    func testJSONLineReportsMeasuredFiguresAndLearns() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeData(in: dir, train: 96, test: 30)
        let result = try BuiltBinary.run([
            "bench", "--model", "lenet5", "--threads", "2", "--batch", "16", "--epochs", "3",
            "--data", dir.path, "--json",
        ])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.out)
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any], result.out)
        XCTAssertEqual(json["model"] as? String, "lenet5")
        XCTAssertEqual(json["threads"] as? Int, 2)
        XCTAssertEqual(json["batch"] as? Int, 16)
        XCTAssertEqual(json["train_images"] as? Int, 96)
        // Hand count: conv 239,904 + relu 4,704 + pool 4,704 + conv 481,600 + relu 1,600 + pool 1,600
        // + dense 96,120 + relu 120 + dense 20,244 + relu 84 + dense 1,690.
        XCTAssertEqual(json["forward_flops"] as? Int, 852_370)
        for key in ["train_img_s", "infer_img_s", "train_gflop_s", "gemm_ceiling_gflop_s", "peak_rss_mib"] {
            let value = try XCTUnwrap(json[key] as? Double, key)
            XCTAssertGreaterThan(value, 0, key)
        }
        let rate = try XCTUnwrap(json["train_img_s"] as? Double)
        let gflops = try XCTUnwrap(json["train_gflop_s"] as? Double)
        XCTAssertEqual(gflops, 3 * 852_370 * rate / 1e9, accuracy: 1e-6 * gflops)
        // Training CPU time: positive, and CPU/wall = CPU seconds / wall seconds (wall = 288 images / rate);
        // two workers cannot use more than two cores (0.5 of slack for the clocks' granularity).
        let cpu = try XCTUnwrap(json["train_cpu_s"] as? Double)
        let cpuPerWall = try XCTUnwrap(json["train_cpu_per_wall"] as? Double)
        XCTAssertGreaterThan(cpu, 0)
        XCTAssertEqual(cpuPerWall, cpu / (3 * 96 / rate), accuracy: 1e-6 * cpuPerWall)
        XCTAssertLessThan(cpuPerWall, 2.5)
        let accuracy = try XCTUnwrap(json["test_acc"] as? [Double])
        XCTAssertEqual(accuracy.count, 3)
        // Three classes told apart by which row band is bright: easy after 18 steps.
        XCTAssertGreaterThan(accuracy.last!, 0.9, "\(accuracy)")
        XCTAssertFalse((json["openblas_core"] as? String ?? "").isEmpty)
    }

    func testUnknownModelIsAUsageErrorAndMissingDataNamesTheFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let unknown = try BuiltBinary.run(["bench", "--model", "lenet", "--data", dir.path])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.err.contains("did you mean 'lenet5'"), unknown.err)
        let missing = try BuiltBinary.run(["bench", "--data", dir.path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("train-images-idx3-ubyte"), missing.err)
        let help = try BuiltBinary.run(["bench", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.out.contains("--threads"), help.out)
    }
}
