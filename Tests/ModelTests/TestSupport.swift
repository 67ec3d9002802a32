import WorkbenchModel
import WorkbenchRandom
import XCTest

/// Uniform values in [-1, 1), optionally kept at least `margin` away from zero (ReLU kinks).
func randomTensor(_ shape: [Int], _ rng: inout SplitMix64, margin: Float = 0) -> Tensor {
    var t = Tensor(zeros: shape)
    for i in 0..<t.count {
        var v = rng.nextFloat(in: -1, 1)
        if abs(v) < margin { v = v < 0 ? v - margin : v + margin }
        t.storage[i] = v
    }
    return t
}

/// Distinct values 0.1 apart in a seeded random order: no max-pool ties, and a ±0.01 step never
/// changes which cell wins.
func distinctTensor(_ shape: [Int], _ rng: inout SplitMix64) -> Tensor {
    let count = shape.reduce(1, *)
    var values = (0..<count).map { Float($0) * 0.1 - Float(count) * 0.05 }
    values.shuffle(using: &rng)
    return Tensor(shape: shape, storage: values)
}

/// Fills every parameter of a layer with small random values.
func randomizeParameters(_ layer: Layer, _ rng: inout SplitMix64, scale: Float = 0.5) {
    for p in layer.parameters {
        for i in 0..<p.value.count { p.value.storage[i] = rng.nextFloat(in: -scale, scale) }
    }
}

func XCTAssertEqualFloats(_ actual: [Float], _ expected: [Float], accuracy: Float = 1e-5, _ message: String = "",
                          file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "count \(message)", file: file, line: line)
    for (i, (a, e)) in zip(actual, expected).enumerated() where abs(a - e) > accuracy {
        let all = actual.count <= 64 ? "; all: \(actual)" : ""
        XCTFail("\(message) element \(i): got \(a), expected \(e)\(all)", file: file, line: line)
        return
    }
}

/// 1...16 as a [1, 1, 4, 4] image.
let ramp4x4 = Tensor(shape: [1, 1, 4, 4], storage: (1...16).map(Float.init))
let train = ForwardContext(training: true)
