import Foundation
import XCTest

@testable import WorkbenchModel

final class LossTests: XCTestCase {
    private func evaluate(_ loss: any Loss, _ output: Tensor, _ labels: [Int]) -> ([Float], Tensor) {
        var gradient = Tensor(zeros: output.shape)
        let losses = loss.perSampleLoss(output, labels: labels[...], gradient: &gradient)
        return (losses, gradient)
    }

    // MARK: hand-computed values

    func testCrossEntropyHandComputed() {
        // logsumexp(1, 2, 3) = 3 + log(1 + e^-1 + e^-2) = 3.4076059644
        let (losses, gradient) = evaluate(
            SoftmaxCrossEntropy(), Tensor(shape: [1, 3], storage: [1, 2, 3]), [2])
        XCTAssertEqual(losses[0], 0.4076059644, accuracy: 1e-6)
        let softmax = [exp(1 - 3.4076059644), exp(2 - 3.4076059644), exp(3 - 3.4076059644)]
        XCTAssertEqual(gradient.storage[0], Float(softmax[0]), accuracy: 1e-6)
        XCTAssertEqual(gradient.storage[1], Float(softmax[1]), accuracy: 1e-6)
        XCTAssertEqual(gradient.storage[2], Float(softmax[2] - 1), accuracy: 1e-6)
    }

    func testCrossEntropyLabelSmoothingHandComputed() {
        // q = (0.1/3, 0.1/3, 0.9 + 0.1/3); loss = lse − Σ q·z = 3.4076059644 − (0.1 + 2.8)
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        let (losses, gradient) = evaluate(loss, Tensor(shape: [1, 3, 1, 1], storage: [1, 2, 3]), [2])
        XCTAssertEqual(losses[0], 0.5076059644, accuracy: 1e-6)
        XCTAssertEqual(gradient.storage[0], Float(exp(1 - 3.4076059644) - 0.1 / 3), accuracy: 1e-6)
        XCTAssertEqual(gradient.storage.reduce(0, +), 0, accuracy: 1e-6)  // Σ p − Σ q = 0
    }

    func testCrossEntropyIsFiniteForHugeLogits() {
        let output = Tensor(shape: [2, 3], storage: [1000, -1000, 0, 1000, -1000, 0])
        let (losses, gradient) = evaluate(SoftmaxCrossEntropy(), output, [1, 0])
        XCTAssertEqual(losses, [2000, 0])
        XCTAssertEqual(gradient.storage, [1, -1, 0, 0, 0, 0])
        let (smoothed, smoothedGradient) = evaluate(SoftmaxCrossEntropy(labelSmoothing: 0.3), output, [1, 0])
        XCTAssertTrue(smoothed.allSatisfy(\.isFinite) && smoothedGradient.storage.allSatisfy(\.isFinite))
        // sample 1 (label 0): q = (0.8, 0.1, 0.1); loss = 1000 − (800 − 100 + 0) = 300
        XCTAssertEqual(smoothed[1], 300, accuracy: 1e-3)
    }

    func testMeanSquaredErrorHandComputed() {
        // differences (0.5, 0.2, −0.1): mean of squares 0.30 / 3 = 0.1; gradient 2·d/3
        let (losses, gradient) = evaluate(
            MeanSquaredError(), Tensor(shape: [1, 3], storage: [0.5, 0.2, 0.9]), [2])
        XCTAssertEqual(losses[0], 0.1, accuracy: 1e-7)
        XCTAssertEqual(gradient.storage[0], 1.0 / 3, accuracy: 1e-7)
        XCTAssertEqual(gradient.storage[1], 0.4 / 3, accuracy: 1e-7)
        XCTAssertEqual(gradient.storage[2], -0.2 / 3, accuracy: 1e-7)
        // tanh targets ±1: differences (1.5, 1.2, −0.1) → (2.25 + 1.44 + 0.01) / 3
        let (tanhLosses, _) = evaluate(
            MeanSquaredError(onValue: 1, offValue: -1),
            Tensor(shape: [1, 3], storage: [0.5, 0.2, 0.9]), [2])
        XCTAssertEqual(tanhLosses[0], 3.70 / 3, accuracy: 1e-6)
    }

    func testNegativeLogLikelihoodHandComputed() {
        var gradient = Tensor(shape: [2, 3], repeating: 9)  // stale values must be cleared
        let output = Tensor(shape: [2, 3], storage: [-0.1, -2.3, -1.6, -0.5, -1.0, -3.0])
        let losses = NegativeLogLikelihood().perSampleLoss(output, labels: [1, 0], gradient: &gradient)
        XCTAssertEqual(losses, [2.3, 0.5])
        XCTAssertEqual(gradient.storage, [0, -1, 0, -1, 0, 0])
    }

    func testLabelsAreTakenFromTheSliceNotItsBaseIndices() {
        let labels = [7, 7, 2, 0]
        var gradient = Tensor(zeros: [2, 3])
        let losses = NegativeLogLikelihood().perSampleLoss(
            Tensor(shape: [2, 3], storage: [-1, -2, -3, -4, -5, -6]),
            labels: labels[2...], gradient: &gradient)
        XCTAssertEqual(losses, [3, 4])
    }

    // MARK: finite differences against independent Double references

    private func referenceCrossEntropy(_ z: [Double], _ label: Int, _ epsilon: Double) -> Double {
        let probabilities = z.map { exp($0) }
        let total = probabilities.reduce(0, +)
        return -z.indices.reduce(0.0) { sum, k in
            sum + ((k == label ? 1 - epsilon : 0) + epsilon / Double(z.count)) * log(probabilities[k] / total)
        }
    }

    private func referenceSquaredError(_ y: [Double], _ label: Int) -> Double {
        y.indices.reduce(0.0) { $0 + pow(y[$1] - (($1 == label) ? 1 : -1), 2) } / Double(y.count)
    }

    private func checkFiniteDifferences(
        _ loss: any Loss, reference: ([Double], Int) -> Double,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let n = 3
        let k = 5
        let values: [Float] = (0..<(n * k)).map { Float(sin(Double($0) * 1.7)) * 2 }
        let labels = [4, 0, 2]
        let (losses, gradient) = evaluate(loss, Tensor(shape: [n, k], storage: values), labels)
        let h = 1e-6
        for s in 0..<n {
            let row = (0..<k).map { Double(values[s * k + $0]) }
            XCTAssertEqual(
                Double(losses[s]), reference(row, labels[s]), accuracy: 1e-5, file: file, line: line)
            for j in 0..<k {
                var plus = row
                var minus = row
                plus[j] += h
                minus[j] -= h
                let numeric = (reference(plus, labels[s]) - reference(minus, labels[s])) / (2 * h)
                XCTAssertEqual(
                    Double(gradient.storage[s * k + j]), numeric, accuracy: 1e-5,
                    "sample \(s) class \(j)", file: file, line: line)
            }
        }
    }

    func testCrossEntropyGradientMatchesFiniteDifferences() {
        checkFiniteDifferences(SoftmaxCrossEntropy()) { referenceCrossEntropy($0, $1, 0) }
        checkFiniteDifferences(SoftmaxCrossEntropy(labelSmoothing: 0.2)) {
            referenceCrossEntropy($0, $1, 0.2)
        }
    }

    func testMeanSquaredErrorGradientMatchesFiniteDifferences() {
        checkFiniteDifferences(MeanSquaredError(onValue: 1, offValue: -1), reference: referenceSquaredError)
    }

    func testNegativeLogLikelihoodGradientMatchesFiniteDifferences() {
        checkFiniteDifferences(NegativeLogLikelihood()) { z, label in -z[label] }
    }
}
