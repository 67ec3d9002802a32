import XCTest

@testable import WorkbenchExperiments

final class YAMLReaderTests: XCTestCase {
    func messages(_ text: String) -> [String] {
        do {
            _ = try YAMLReader.read(text: text, origin: "f.yaml")
            return []
        } catch let error as ConfigError {
            return error.diagnostics.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    func testNodesCarryOneBasedLineAndColumn() throws {
        let root = try XCTUnwrap(
            YAMLReader.read(text: "name: x\nmodel:\n  - conv: {filters: 6}\n", origin: "f.yaml"))
        XCTAssertEqual(root.mark, SourceMark(origin: "f.yaml", line: 1, column: 1))
        let model = try XCTUnwrap(root["model"]?.items)
        XCTAssertEqual(model[0].mark.line, 3)
        XCTAssertEqual(model[0].mark.column, 5)
        let filters = try XCTUnwrap(model[0]["conv"]?["filters"])
        XCTAssertEqual(filters.mark.description, "f.yaml:3:21")
        XCTAssertEqual(model[0].pairs?.first?.keyMark.description, "f.yaml:3:5")
    }

    func testSyntaxErrorsNameFileLineAndColumn() {
        let found = messages("a: 1\nb: [1, 2\nc: 3\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(
            found[0].hasPrefix("f.yaml:3:2: invalid YAML: did not find expected ',' or ']'"), found[0])
    }

    func testDuplicateKeysReportBothPositions() {
        XCTAssertEqual(
            messages("optimizer:\n  lr: 0.1\n  momentum: 0.9\n  lr: 0.2\nname: a\nname: b\n"),
            [
                "f.yaml:4:3: optimizer.lr: duplicate key 'lr': first at 2:3, again at 4:3",
                "f.yaml:6:1: name: duplicate key 'name': first at 5:1, again at 6:1",
            ])
    }

    func testDuplicateKeyInsideAListNamesTheIndex() {
        XCTAssertEqual(
            messages("model:\n  - relu\n  - conv: {filters: 1, filters: 2}\n"),
            [
                "f.yaml:3:24: model[1].conv.filters: duplicate key 'filters': first at 3:12, again at 3:24"
            ])
    }

    func testDuplicateKeysOnOneLineGiveBothColumns() {
        XCTAssertEqual(
            messages("name: x\ntraining: {epochs: 1, batch_size: 2, epochs: 3}\n"),
            ["f.yaml:2:38: training.epochs: duplicate key 'epochs': first at 2:12, again at 2:38"])
    }

    func testValuesReadForAPlaceNameItsFullKeyPath() {
        func optionMessages(_ text: String, keyPath: String) -> [String] {
            do {
                _ = try YAMLReader.read(
                    text: text, origin: "--set x", positions: false, keyPath: keyPath, depth: 1)
                return []
            } catch let error as ConfigError {
                return error.diagnostics.map(\.description)
            } catch {
                return ["unexpected \(error)"]
            }
        }
        XCTAssertEqual(
            optionMessages("{epochs: 1, epochs: 2}", keyPath: "training"),
            [
                "--set x: training.epochs: duplicate key 'epochs': first at column 2, again at column 13 of the value"
            ])
        XCTAssertEqual(
            optionMessages("[relu, {conv: {a: 1, a: 2}}]", keyPath: "model"),
            [
                "--set x: model[1].conv.a: duplicate key 'a': first at column 16, again at column 22 of the value"
            ])
    }

    /// `levels` nested flow lists as the value of `seed`, under the top mapping: levels + 1 deep.
    static func nested(_ levels: Int) -> String {
        "name: x\nseed: " + String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
            + "\n"
    }

    func testNestingDeeperThanTheLimitIsAnErrorAtItsPosition() throws {
        XCTAssertEqual(YAMLReader.maxDepth, 64)
        XCTAssertNotNil(try YAMLReader.read(text: Self.nested(63), origin: "f.yaml"))
        let path = "seed" + String(repeating: "[0]", count: 63)
        let expected =
            "f.yaml:2:70: \(path): expected lists and mappings nested at most 64 deep, found a list or "
            + "mapping at level 65"
        XCTAssertEqual(messages(Self.nested(64)), [expected])
        // 40,000 levels overflowed the stack of the recursive checks (exit 139); now refused at level 65.
        XCTAssertEqual(messages(Self.nested(40_000)), [expected])
        // Block mappings, one level per line.
        let block =
            (0..<70).map { String(repeating: "  ", count: $0) + "a:" }.joined(separator: "\n") + " 1\n"
        let found = messages(block)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(
            found[0].hasPrefix("f.yaml:65:129: a" + String(repeating: ".a", count: 63) + ": expected"),
            found[0])
        // Flow mappings as deep as the trial's deepmap.yaml.
        let flow =
            "name: x\nseed: " + String(repeating: "{a: ", count: 50_000) + "1"
            + String(repeating: "}", count: 50_000)
        XCTAssertEqual(messages(flow).count, 1)
    }

    func testUnsupportedFeaturesAreRejectedWithPositions() {
        XCTAssertEqual(
            messages("a: 1\n---\nb: 2\n"),
            ["f.yaml:2:1: expected one YAML document, found a second one ('---')"])
        XCTAssertEqual(
            messages("a: &x 1\nb: *x\n"),
            ["f.yaml:1:4: anchors (&name) are not supported in experiment files"])
        XCTAssertEqual(
            messages("a: !!int 1\n"),
            ["f.yaml:1:4: tags other than !!str are not supported in experiment files"])
        XCTAssertEqual(
            messages("? [a, b]\n: 1\n"),
            ["f.yaml:1:3: expected a scalar mapping key, found a collection"])
    }

    func testEmptyDocumentIsNil() throws {
        XCTAssertNil(try YAMLReader.read(text: "", origin: "f"))
        XCTAssertNil(try YAMLReader.read(text: "# only a comment\n", origin: "f"))
    }

    func testMissingFileIsAnError() {
        XCTAssertThrowsError(try YAMLReader.read(file: "/nonexistent/exp.yaml")) { error in
            XCTAssertEqual(
                "\(error)", "/nonexistent/exp.yaml: expected a readable YAML file, found no such file")
        }
    }

    func testEmitterOutputReadsBackToTheSameValues() throws {
        let tree = YAMLNode.mapping([
            YAMLPair(key: "s", value: .scalar("1e-3", .quoted)),
            YAMLPair(key: "t", value: .scalar("yes", .quoted)),
            YAMLPair(key: "e", value: .scalar("", .quoted)),
            YAMLPair(key: "odd", value: .scalar("a: b # c", .quoted)),
            YAMLPair(key: "num", value: .scalar("1e-05")),
            YAMLPair(key: "l", value: .sequence([.scalar("1"), .scalar("x", .quoted)])),
            YAMLPair(
                key: "m",
                value: .sequence([
                    .mapping([
                        YAMLPair(
                            key: "conv",
                            value: .mapping([
                                YAMLPair(key: "filters", value: .scalar("6"))
                            ]))
                    ])
                ])),
        ])
        let text = try YAMLEmitter.emit(tree)
        XCTAssertEqual(
            text,
            """
            s: "1e-3"
            t: "yes"
            e: ""
            odd: 'a: b # c'
            num: 1e-05
            l: [1, x]
            m:
            - conv: {filters: 6}

            """)
        let back = try XCTUnwrap(YAMLReader.read(text: text, origin: "t"))
        XCTAssertEqual(back["s"]?.scalarValue, .string("1e-3"))
        XCTAssertEqual(back["t"]?.scalarValue, .string("yes"))
        XCTAssertEqual(back["e"]?.scalarValue, .string(""))
        XCTAssertEqual(back["odd"]?.scalarValue, .string("a: b # c"))
        XCTAssertEqual(back["num"]?.scalarValue, .double(1e-5))
        XCTAssertEqual(back["m"]?.items?[0]["conv"]?["filters"]?.scalarValue, .int(6))
    }

    func testSuggestionsNeedAPlausibleTypo() {
        XCTAssertEqual(closest(to: "lrr", among: ["lr", "momentum"]), "lr")
        XCTAssertEqual(closest(to: "batchsize", among: ["batch_size", "epochs"]), "batch_size")
        XCTAssertEqual(closest(to: "Epochs", among: ["batch_size", "epochs"]), "epochs")
        XCTAssertNil(closest(to: "zzz", among: ["lr", "momentum"]))
        XCTAssertEqual(suggestion(for: "zzz", among: ["a", "b"]), "expected one of: a, b")
    }
}

final class TypoDistanceTests: XCTestCase {
    func testTranspositionIsOneEdit() {
        XCTAssertEqual(typoDistance("sdt", "std"), 1)
        XCTAssertEqual(typoDistance("kitten", "sitting"), 3)
        XCTAssertEqual(typoDistance("", "abc"), 3)
        XCTAssertEqual(typoDistance("ca", "abc"), 3)  // OSA, not full Damerau (which gives 2)
        XCTAssertEqual(closest(to: "sdt", among: ["std"]), "std")
    }
}
