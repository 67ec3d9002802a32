import Foundation
import XCTest

@testable import WorkbenchModel

final class ParameterNamedTensorsTests: XCTestCase {
    private func network() -> [Parameter] {
        [
            Parameter(name: "layers.0.weight", value: Tensor(shape: [2, 2], storage: [1, 2, 3, 4])),
            Parameter(name: "layers.0.bias", value: Tensor(shape: [2], storage: [5, 6])),
        ]
    }

    func testRoundTripThroughSafetensorsBytes() throws {
        let source = network()
        let bytes = Safetensors.encode(source.namedValues)
        let target = network()
        for p in target { p.value.storage = p.value.storage.map { -$0 } }
        try target.assignValues(from: Safetensors.decode(Data(bytes), path: "w").tensors, source: "w")
        XCTAssertEqual(target.namedValues, source.namedValues)
    }

    func testMismatchesThrowAndChangeNothing() {
        let target = network()
        let before = target.namedValues
        var missing = before
        missing["layers.0.bias"] = nil
        XCTAssertThrowsError(try target.assignValues(from: missing, source: "f.safetensors")) {
            XCTAssertEqual(
                "\($0)", "f.safetensors: missing tensors [\"layers.0.bias\"] expected by the network")
        }
        var extra = before
        extra["layers.1.weight"] = Tensor(zeros: [1])
        XCTAssertThrowsError(try target.assignValues(from: extra, source: "f.safetensors")) {
            XCTAssertTrue("\($0)".contains("tensors [\"layers.1.weight\"] belong to no parameter"), "\($0)")
        }
        var misshapen = before
        misshapen["layers.0.weight"] = Tensor(zeros: [4])
        misshapen["layers.0.bias"] = Tensor(zeros: [2])
        XCTAssertThrowsError(try target.assignValues(from: misshapen, source: "f.safetensors")) {
            XCTAssertEqual(
                "\($0)", "f.safetensors: tensor 'layers.0.weight' has shape [4], the network expects [2, 2]")
        }
        XCTAssertEqual(target.namedValues, before)
    }
}
