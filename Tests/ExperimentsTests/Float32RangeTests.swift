import Foundation
import XCTest

@testable import WorkbenchExperiments

/// Number keys are checked as the 32-bit floats training uses: a value inside a key's range as a
/// double but outside it once rounded (`1e-300` → 0, `0.99999999999` → 1), or beyond float32's
/// range, is a load error naming the line, column and key — these values used to pass the check and
/// trap later, in `Normalization`, `clipGradientNorm`, `OneCycleSchedule`, `Adam`, `RandomAffine`, ...
final class Float32RangeTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    static let f32 = "as a 32-bit float, the precision training uses"

    func testValuesThatRoundOutOfRangeAreErrorsAtTheirPosition() {
        let found = fx.errors(
            ConfigFixture.minimal + """
                augment:
                  - affine: {shear: 89.99999999999, scale: [1e-300, 1e-300]}
                  - erase: {area: [1e-300, 1e-300]}
                optimizer: {name: adam, lr: 1e-320, betas: [0.99999999999, 0.9], clip_norm: 1e-300}
                schedule: {name: onecycle, max_lr: 0.1, pct_start: 0.9999999999999999}

                """)
        XCTAssertEqual(
            found,
            [
                "DIR/exp.yaml:8:21: augment[0].affine.shear: expected a number in [0, 90), found "
                    + "89.99999999999 (90.0 \(Self.f32))",
                "DIR/exp.yaml:8:44: augment[0].affine.scale: expected a list of 2 numbers > 0, low to high, "
                    + "found [1e-300, 1e-300] (1e-300 is 0.0 \(Self.f32))",
                "DIR/exp.yaml:9:19: augment[1].erase.area: expected a list of 2 numbers in (0, 1], low to high, "
                    + "found [1e-300, 1e-300] (1e-300 is 0.0 \(Self.f32))",
                "DIR/exp.yaml:10:29: optimizer.lr: expected a number > 0, found 1e-320 (0.0 \(Self.f32))",
                "DIR/exp.yaml:10:44: optimizer.betas: expected a list of 2 numbers in [0, 1), found "
                    + "[0.99999999999, 0.9] (0.99999999999 is 1.0 \(Self.f32))",
                "DIR/exp.yaml:10:77: optimizer.clip_norm: expected a number > 0, found 1e-300 (0.0 \(Self.f32))",
                "DIR/exp.yaml:11:52: schedule.pct_start: expected a number in (0, 1), found 0.9999999999999999 "
                    + "(1.0 \(Self.f32))",
            ])
    }

    func testTheTrialsOtherTrapsAreErrorsToo() {
        let normalize = ConfigFixture.minimal.replacingOccurrences(
            of: "labels: data/train-labels.gz}\n",
            with: "labels: data/train-labels.gz}\n  normalize: {mean: 0.5, std: 1e-300}\n")
        XCTAssertEqual(
            fx.errors(normalize),
            [
                "DIR/exp.yaml:4:31: data.normalize.std: expected a number ≥ 1e-07 or a list of them (one per "
                    + "channel), found 1e-300"
            ])
        XCTAssertEqual(
            fx.errors(
                ConfigFixture.minimal
                    + "optimizer: {name: rmsprop, alpha: 0.99999999999}\nschedule: {name: onecycle, max_lr: 1, "
                    + "pct_start: 1e-300}\n"),
            [
                "DIR/exp.yaml:7:35: optimizer.alpha: expected a number in [0, 1), found 0.99999999999 "
                    + "(1.0 \(Self.f32))",
                "DIR/exp.yaml:8:50: schedule.pct_start: expected a number in (0, 1), found 1e-300 "
                    + "(0.0 \(Self.f32))",
            ])
        // The same through --set: the option instead of a line, the full key path.
        XCTAssertEqual(
            fx.errors(
                ConfigFixture.minimal,
                overrides: [
                    "optimizer.clip_norm=1e-300", "data.normalize.std=1e-300",
                    "data.normalize.mean=0",
                ]),
            [
                "--set data.normalize.std=1e-300: data.normalize.std: expected a number ≥ 1e-07 or a list of them "
                    + "(one per channel), found 1e-300",
                "--set optimizer.clip_norm=1e-300: optimizer.clip_norm: expected a number > 0, found 1e-300 "
                    + "(0.0 \(Self.f32))",
            ])
    }

    func testNumbersBeyondFloat32AreNotFinite() {
        let found = fx.errors(
            ConfigFixture.minimal + """
                augment: [{random_crop: {size: 4, fill: 1e39}}, {noise: {std: -1e39}}]
                optimizer: {lr: 3.5e38, weight_decay: 3.4e38}

                """)
        let note = "(numbers are used as 32-bit floats, at most 3.4028235e+38 in size)"
        XCTAssertEqual(
            found,
            [
                "DIR/exp.yaml:7:41: augment[0].random_crop.fill: expected a finite number (a number), found "
                    + "1e39 \(note)",
                "DIR/exp.yaml:7:63: augment[1].noise.std: expected a finite number (a number ≥ 0), found -1e39 "
                    + "\(note)",
                "DIR/exp.yaml:8:17: optimizer.lr: expected a finite number (a number > 0), found 3.5e38 \(note)",
            ])
        // Integer keys keep their own message.
        XCTAssertEqual(
            fx.errors(ConfigFixture.minimal + "training: {epochs: 1e39}\n"),
            ["DIR/exp.yaml:7:20: training.epochs: expected an integer in [1, 1000000], found 1e39"])
    }

    func testValuesThatStayInRangeAsFloat32AreKeptAsWritten() throws {
        let config = try fx.load(
            ConfigFixture.minimal + """
                augment: [{affine: {shear: 89.9999}}]
                optimizer: {name: adam, lr: 1e-30, betas: [0.9999999, 0.9]}
                schedule: {name: onecycle, max_lr: 0.1, pct_start: 0.9999999}

                """)
        XCTAssertEqual(config.augment[0].params["shear"], .double(89.9999))
        XCTAssertEqual(config.optimizer.params["betas"], .list([.double(0.9999999), .double(0.9)]))
        XCTAssertEqual(config.optimizer.lr, 1e-30)
        XCTAssertEqual(config.schedule.params["pct_start"], .double(0.9999999))
        XCTAssertTrue(config.resolvedYAML.contains("lr: 1e-30"), config.resolvedYAML)
        _ = config.makeOptimizer()  // in range as float32: builds without trapping
        _ = config.makeSchedule()
        _ = config.makeAugmentation()
    }

    /// Every number key of every schema table, through the one check they all share: a value beyond
    /// float32, and the double nearest each open end on the inside, are refused; the default passes.
    func testEveryNumberKeyIsCheckedAsFloat32() {
        var tables: [(String, [KeySpec])] = [
            ("top", ExperimentSchema.top), ("data", ExperimentSchema.data),
            ("data.normalize", ExperimentSchema.normalize), ("training", ExperimentSchema.training),
            ("sweep.random", ExperimentSchema.sweepRandom), ("range", ExperimentSchema.sweepRange),
        ]
        tables +=
            ExperimentSchema.augmentations + ExperimentSchema.layers + ExperimentSchema.losses
            + ExperimentSchema.optimizers + ExperimentSchema.schedules + ExperimentSchema.dataSources
        var checked = 0
        for (table, specs) in tables {
            for spec in specs {
                guard let bound = spec.type.numberBound else { continue }
                func node(_ v: String) -> YAMLNode {
                    switch spec.type {
                    case .doubles(_, let count, _):
                        return .sequence(Array(repeating: .scalar(v), count: count ?? 1))
                    default: return .scalar(v)
                    }
                }
                func refused(_ v: String) -> Bool {
                    let d = ConfigDecoder(baseDirectory: "/")
                    return d.value(node(v), "\(table).\(spec.name)", spec.type) == nil
                        && d.diagnostics.count == 1
                        && d.diagnostics[0].message.contains("32-bit float")
                }
                let key = "\(table).\(spec.name)"
                XCTAssertTrue(refused(bound.min.map { $0 < 0 ? "-1e39" : "1e39" } ?? "1e39"), key)
                if let min = bound.min, !bound.minInclusive {
                    let inside = min == 0 ? 1e-300 : min.nextUp
                    XCTAssertTrue(refused("\(inside)"), "\(key) = \(inside)")
                }
                if let max = bound.max, !bound.maxInclusive {
                    XCTAssertTrue(refused("\(max.nextDown)"), "\(key) = \(max.nextDown)")
                }
                if case .value(let v) = spec.defaultValue {
                    XCTAssertNotNil(ConfigDecoder(baseDirectory: "/").value(v.node(), key, spec.type), key)
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 55, "number keys in the schema")
    }
}
