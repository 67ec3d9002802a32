import XCTest

@testable import WorkbenchExperiments

/// The resolved config: emitted as YAML, read back equal, flattened for compare/diff.
final class ResolvedConfigTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    func testResolvedYAMLRoundTripsToAnEqualConfig() throws {
        let original = try fx.load(
            ExperimentConfigTests.lenet + """
                sweep:
                  random:
                    count: 3
                    space: {optimizer.lr: {min: 1e-4, max: 0.1, log: true}, training.batch_size: [32, 64]}

                """, overrides: ["optimizer.momentum=0.5"])
        let path = try fx.write(original.resolvedYAML, name: "resolved.yaml")
        let back = try ExperimentConfig.load(
            file: path,
            drawSeed: {
                XCTFail("seed must be recorded")
                return 0
            })
        XCTAssertEqual(back, original)
        XCTAssertEqual(back.resolvedYAML, original.resolvedYAML)
    }

    func testResolvedYAMLIsExplicit() throws {
        let c = try fx.load(ConfigFixture.minimal, seed: 2024)
        XCTAssertEqual(
            c.resolvedYAML,
            """
            name: tiny
            seed: 2024
            data:
              train:
                format: idx
                images: \(fx.folder)/data/train-images.gz
                labels: \(fx.folder)/data/train-labels.gz
              channels: 1
              validation: 0.0
            augment: []
            model:
            - flatten
            - dense: {units: 10, bias: true, init: he_uniform}
            loss:
              name: cross_entropy
              label_smoothing: 0.0
            optimizer:
              name: sgd
              lr: 0.01
              weight_decay: 0.0
              momentum: 0.0
              nesterov: false
            schedule:
              name: constant
              warmup: 0
            training:
              epochs: 10
              batch_size: 64
              threads: 1
              workers: 2
              drop_last: false
              chunk: 16

            """)
    }

    func testStringsThatLookLikeOtherTypesAreQuoted() throws {
        let c = try fx.load(
            ConfigFixture.minimal.replacingOccurrences(of: "name: tiny", with: "name: 'yes'")
                + "description: '1e-3'\n")
        XCTAssertTrue(c.resolvedYAML.hasPrefix("name: \"yes\"\ndescription: \"1e-3\"\n"), c.resolvedYAML)
        let path = try fx.write(c.resolvedYAML, name: "r.yaml")
        XCTAssertEqual(try ExperimentConfig.load(file: path), c)
    }

    func testFlattenedKeysAreDottedAndOrdered() throws {
        let c = try fx.load(ExperimentConfigTests.lenet)
        let flat = c.flattened()
        let dict = Dictionary(flat.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(flat.count, dict.count, "keys are unique")
        XCTAssertEqual(flat.first?.key, "name")
        XCTAssertEqual(dict["optimizer.lr"], "0.001")
        XCTAssertEqual(dict["optimizer.weight_decay"], "0.0005")
        XCTAssertEqual(dict["model.0.conv.filters"], "6")
        XCTAssertEqual(dict["model.1"], "relu")
        XCTAssertEqual(dict["model.3.conv.table"], "[[0, 1, 2], [1, 2, 3], [2, 3, 4]]")
        XCTAssertEqual(dict["augment.2.affine.degrees"], "10.0")
        XCTAssertEqual(dict["augment.2.affine.scale"], "[0.9, 1.1]")
        XCTAssertEqual(dict["data.train.images"], fx.folder + "/data/train-images.gz")
        XCTAssertEqual(dict["training.drop_last"], "false")
        XCTAssertEqual(dict["seed"], "42")
        let keys = flat.map(\.key)
        XCTAssertLessThan(
            keys.firstIndex(of: "model.0.conv.filters")!, keys.firstIndex(of: "model.6.dense.units")!)
        XCTAssertLessThan(keys.firstIndex(of: "data.train.format")!, keys.firstIndex(of: "training.epochs")!)
    }

    func testAwkwardStringsRoundTrip() throws {
        let awkward = [
            "a: b", "# not a comment", "- item", "[x]", "{a: 1}", "&anchor", "*alias", "!tag", "%x", "@x",
            "`x", "line\nbreak", "tab\there", "  padded  ", "ünïcødé ✓", "'single'", "\"double\"", "null",
            "0o17", "0x1F", ".inf", "~", "yes", "Off", "1_000", "a\\b",
        ]
        for text in awkward {
            let tree = YAMLNode.mapping([YAMLPair(key: text, value: .scalar(text, .quoted))])
            let yaml = try YAMLEmitter.emit(tree)
            let back = try XCTUnwrap(YAMLReader.read(text: yaml, origin: "t"), text)
            XCTAssertEqual(back.pairs?.first?.key, text, "key \(text) via \(yaml)")
            XCTAssertEqual(back.pairs?.first?.value.scalarValue, .string(text), "value \(text) via \(yaml)")
        }
    }
}
