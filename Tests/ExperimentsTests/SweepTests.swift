import Foundation
import WorkbenchRandom
import XCTest

@testable import WorkbenchExperiments

final class SweepTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    func testGridIsTheCartesianProductWithTheLastKeyFastest() throws {
        let c = try fx.load(
            ConfigFixture.minimal + """
                seed: 5
                sweep:
                  grid: {optimizer.lr: [0.01, 0.05, 0.1], training.batch_size: [32, 64]}

                """)
        let children = try c.expandSweep()
        XCTAssertEqual(children.map(\.optimizer.lr), [0.01, 0.01, 0.05, 0.05, 0.1, 0.1])
        XCTAssertEqual(children.map(\.training.batchSize), [32, 64, 32, 64, 32, 64])
        XCTAssertEqual(
            children[3].sweepValues,
            [
                SweepValue(key: "optimizer.lr", value: "0.05"),
                SweepValue(key: "training.batch_size", value: "64"),
            ])
        for child in children {
            XCTAssertNil(child.sweep)
            XCTAssertEqual(child.seed, 5)
            XCTAssertEqual(child.model, c.model)
            // Each child is an ordinary resolved config: it reads back equal, sweep note included.
            let path = try fx.write(child.resolvedYAML, name: "child.yaml")
            XCTAssertEqual(try ExperimentConfig.load(file: path), child)
        }
        XCTAssertTrue(
            children[0].resolvedYAML.hasSuffix(
                "sweep_values:\n  optimizer.lr: 0.01\n  training.batch_size: 32\n"))
    }

    func testSweepingTheSeedGivesOneChildPerSeed() throws {
        let c = try fx.load(ConfigFixture.minimal + "seed: 1\nsweep: {grid: {seed: [3, 4, 5]}}\n")
        XCTAssertEqual(try c.expandSweep().map(\.seed), [3, 4, 5])
    }

    func testRandomDrawsAreSeededAndInRange() throws {
        let text =
            ConfigFixture.minimal + """
                sweep:
                  random:
                    count: 20
                    space:
                      optimizer.lr: {min: 1e-4, max: 1e-1, log: true}
                      optimizer.momentum: {min: 0.5, max: 0.9}
                      training.epochs: {min: 1, max: 3}
                      training.batch_size: [32, 64]

                """
        let a = try fx.load(text, seed: 11).expandSweep()
        let b = try fx.load(text, seed: 11).expandSweep()
        let other = try fx.load(text, seed: 12).expandSweep()
        XCTAssertEqual(a.count, 20)
        XCTAssertEqual(a, b, "same seed, same draws")
        XCTAssertNotEqual(a.map(\.optimizer.lr), other.map(\.optimizer.lr))
        for child in a {
            XCTAssertTrue((1e-4...0.1).contains(child.optimizer.lr))
            XCTAssertTrue((0.5...0.9).contains(child.optimizer.params.double("momentum")))
            XCTAssertTrue((1...3).contains(child.training.epochs))
            XCTAssertTrue([32, 64].contains(child.training.batchSize))
        }
        // Log-uniform: about half the draws fall below the geometric midpoint 1e-2.5 ≈ 0.00316.
        let below = a.filter { $0.optimizer.lr < 0.00316 }.count
        XCTAssertTrue((4...16).contains(below), "\(below) of 20 below the log midpoint")
        XCTAssertEqual(Set(a.map(\.training.epochs)), [1, 2, 3])
        XCTAssertEqual(Set(a.map(\.training.batchSize)), [32, 64])
    }

    func testSweepPointsMatchTheDocumentedStream() throws {
        let sweep = SweepConfig(
            strategy: .random(count: 2),
            dimensions: [
                .init(key: "k", domain: .range(min: 2, max: 8, log: true, integer: false), mark: .generated)
            ])
        var rng = SplitMix64Reference(seed: 3)
        let expected = (0..<2).map { _ in exp(log(2.0) + rng.nextDouble() * (log(8.0) - log(2.0))) }
        XCTAssertEqual(sweep.points(seed: 3).map { $0[0].double! }, expected)
    }

    func testSweepErrorsPointAtTheSweepBlock() {
        let found = fx.errors(
            ConfigFixture.minimal + """
                sweep:
                  grid: {optimizer.lrr: [0.1], training.epochs: [1, 0]}

                """)
        XCTAssertEqual(
            found,
            [
                "DIR/exp.yaml:8:10: optimizer.lrr: unknown key 'lrr'; did you mean 'lr'?",
                "DIR/exp.yaml:8:53: training.epochs: expected an integer in [1, 1000000], found 0",
            ])
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal + "sweep: {grid: {a: []}, random: {}}\n"),
            [
                "DIR/exp.yaml:7:8: sweep: expected exactly one of 'grid' or 'random', found both"
            ])
        XCTAssertEqual(
            fx.errors(
                ConfigFixture.minimal
                    + "sweep:\n  random: {count: 0, space: {optimizer.lr: {min: 0, max: 1, log: true}}}\n"),
            [
                "DIR/exp.yaml:8:19: sweep.random.count: expected an integer in [1, 100000], found 0",
                "DIR/exp.yaml:8:44: sweep.random.space.optimizer.lr: expected 0 < min ≤ max, found min 0.0, max 1.0",
            ])
    }
}

/// The generator the sweep documents: SplitMix64 seeded with the experiment seed, derived stream
/// `RandomStream.sweep`, one `nextDouble()` per range draw.
private struct SplitMix64Reference {
    var inner: WorkbenchRandom.SplitMix64
    init(seed: UInt64) { inner = SplitMix64(seed: seed).derived(RandomStream.sweep.rawValue) }
    mutating func nextDouble() -> Double { inner.nextDouble() }
}
