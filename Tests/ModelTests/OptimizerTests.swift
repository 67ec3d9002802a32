import Dispatch
import Foundation
import XCTest

@testable import WorkbenchModel

final class OptimizerTests: XCTestCase {
    private let start: [Double] = [0.5, -1.0, 2.0, 0.0]
    /// Gradients for steps 1, 2, 3 (the same for every optimizer), fixed so the references need
    /// no model.
    private let gradients: [[Double]] = [
        [0.1, -0.2, 0.3, 0.05], [0.4, 0.1, -0.3, 0.0], [-0.2, 0.25, 0.1, 1.5],
    ]
    private let rates: [Double] = [0.1, 0.05, 0.02]

    /// Runs `optimizer` for the three steps on a [2, 2] parameter and returns the values after each.
    private func run(_ optimizer: any Optimizer) -> [[Double]] {
        let parameter = Parameter(
            name: "layers.0.weight", value: Tensor(shape: [2, 2], storage: start.map(Float.init)))
        var trajectory: [[Double]] = []
        for (g, rate) in zip(gradients, rates) {
            parameter.grad = Tensor(shape: [2, 2], storage: g.map(Float.init))
            optimizer.step([parameter], learningRate: Float(rate))
            trajectory.append(parameter.value.storage.map(Double.init))
        }
        return trajectory
    }

    private func assertClose(
        _ actual: [[Double]], _ expected: [[Double]], accuracy: Double = 2e-6,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            for i in a.indices {
                XCTAssertEqual(
                    a[i], e[i], accuracy: accuracy, "step \(step + 1) element \(i)", file: file, line: line)
            }
        }
    }

    // MARK: SGD

    func testSGDMomentumHandComputed() {
        // w = 1, g = 0.5, η = 0.1, μ = 0.9: b = 0.5, 0.95, 1.355; w = 0.95, 0.855, 0.7195
        // Nesterov: updates 0.95, 1.355, 1.7195 → w = 0.905, 0.7695, 0.59755
        for (nesterov, expected) in [(false, [0.95, 0.855, 0.7195]), (true, [0.905, 0.7695, 0.59755])] {
            let optimizer = SGD(momentum: 0.9, nesterov: nesterov)
            let parameter = Parameter(name: "w", value: Tensor(shape: [1], storage: [1]))
            for e in expected {
                parameter.grad = Tensor(shape: [1], storage: [0.5])
                optimizer.step([parameter], learningRate: 0.1)
                XCTAssertEqual(Double(parameter.value.storage[0]), e, accuracy: 1e-6, "nesterov \(nesterov)")
            }
        }
    }

    private func referenceSGD(momentum: Double, dampening: Double, nesterov: Bool, decay: Double)
        -> [[Double]]
    {
        var w = start
        var b = [Double](repeating: 0, count: start.count)
        var out: [[Double]] = []
        for (t, (grad, rate)) in zip(gradients, rates).enumerated() {
            for i in w.indices {
                var g = grad[i] + decay * w[i]
                if momentum != 0 {
                    b[i] = t == 0 ? g : momentum * b[i] + (1 - dampening) * g
                    g = nesterov ? g + momentum * b[i] : b[i]
                }
                w[i] -= rate * g
            }
            out.append(w)
        }
        return out
    }

    func testSGDMatchesPyTorchRule() {
        assertClose(run(SGD()), referenceSGD(momentum: 0, dampening: 0, nesterov: false, decay: 0))
        assertClose(
            run(SGD(momentum: 0.9, weightDecay: 0.01)),
            referenceSGD(momentum: 0.9, dampening: 0, nesterov: false, decay: 0.01))
        assertClose(
            run(SGD(momentum: 0.8, dampening: 0.3, weightDecay: 0.1)),
            referenceSGD(momentum: 0.8, dampening: 0.3, nesterov: false, decay: 0.1))
        assertClose(
            run(SGD(momentum: 0.9, nesterov: true, weightDecay: 0.05)),
            referenceSGD(momentum: 0.9, dampening: 0, nesterov: true, decay: 0.05))
    }

    /// The SGD step runs eight lanes at a time with a padded last block; on a parameter of 19
    /// values (two whole blocks and a tail of three) it must give exactly the bits of the scalar
    /// rule written out in Float with the same operations in the same order.
    func testSGDBlocksMatchScalarRuleBitForBit() {
        let configs: [(momentum: Float, dampening: Float, nesterov: Bool, decay: Float)] = [
            (0, 0, false, 0.01), (0.9, 0, false, 0), (0.8, 0.3, false, 0.1), (0.9, 0, true, 0.05),
        ]
        for config in configs {
            let optimizer = SGD(momentum: config.momentum, dampening: config.dampening, nesterov: config.nesterov,
                                weightDecay: config.decay)
            var w: [Float] = (0..<19).map { Float($0) * 0.37 - 3.1 }
            var b = [Float](repeating: 0, count: 19)
            let parameter = Parameter(name: "p", value: Tensor(shape: [19], storage: w))
            for step in 0..<3 {
                let grad: [Float] = (0..<19).map { Float(($0 * 7 + step * 5) % 11) * 0.13 - 0.6 }
                let rate: Float = [0.1, 0.05, 0.02][step]
                parameter.grad = Tensor(shape: [19], storage: grad)
                optimizer.step([parameter], learningRate: rate)
                for i in 0..<19 {
                    let g = grad[i] + config.decay * w[i]
                    if config.momentum == 0 {
                        w[i] = w[i] - rate * g
                    } else {
                        b[i] = step == 0 ? g : config.momentum * b[i] + (1 - config.dampening) * g
                        w[i] = w[i] - rate * (config.nesterov ? g + config.momentum * b[i] : b[i])
                    }
                }
                XCTAssertEqual(parameter.value.storage, w, "\(config) step \(step + 1)")
            }
        }
    }

    /// The parallel step shares the update out in blocks of 4096 elements: run in any order or at
    /// the same time on several threads, it gives the serial step's bits, over parameters of one,
    /// three (10 000 elements) and a partial block, for three steps with and without momentum.
    func testSGDParallelBlocksMatchSerialStepBitForBit() {
        func run(_ momentum: Float, _ loop: ParallelLoop?) -> [[Float]] {
            let optimizer = SGD(momentum: momentum, nesterov: momentum > 0, weightDecay: 0.01)
            let parameters = [10_000, 4096, 7].enumerated().map { j, n in
                Parameter(name: "p\(j)", value: Tensor(shape: [n], storage: (0..<n).map { Float(($0 * 31 + j) % 97) * 0.01 - 0.5 }))
            }
            for step in 0..<3 {
                for (j, p) in parameters.enumerated() {
                    p.grad = Tensor(shape: p.value.shape, storage: (0..<p.value.count).map { Float(($0 * 7 + step * 5 + j) % 11) * 0.13 - 0.6 })
                }
                if let loop { optimizer.step(parameters, learningRate: 0.1, parallel: loop) }
                else { optimizer.step(parameters, learningRate: 0.1) }
            }
            return parameters.map(\.value.storage)
        }
        for momentum: Float in [0, 0.9] {
            let serial = run(momentum, nil)
            XCTAssertEqual(run(momentum) { n, body in for i in (0..<n).reversed() { body(i) } }, serial)
            XCTAssertEqual(run(momentum) { n, body in DispatchQueue.concurrentPerform(iterations: n, execute: body) }, serial)
        }
    }

    /// Adam (and AdamW, which shares the step) runs eight lanes at a time too; 19 values, three
    /// steps, with and without L2: exactly the bits of the scalar rule in Float.
    func testAdamBlocksMatchScalarRuleBitForBit() {
        for decay: Float in [0, 0.01] {
            let (beta1, beta2, epsilon): (Float, Float, Float) = (0.9, 0.999, 1e-8)
            let optimizer = Adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: decay)
            var w: [Float] = (0..<19).map { Float($0) * 0.37 - 3.1 }
            var m = [Float](repeating: 0, count: 19), v = [Float](repeating: 0, count: 19)
            let parameter = Parameter(name: "p", value: Tensor(shape: [19], storage: w))
            for step in 1...3 {
                let grad: [Float] = (0..<19).map { Float(($0 * 7 + step * 5) % 11) * 0.13 - 0.6 }
                let rate: Float = [0.1, 0.05, 0.02][step - 1]
                parameter.grad = Tensor(shape: [19], storage: grad)
                optimizer.step([parameter], learningRate: rate)
                let stepSize = Float(Double(rate) / (1 - pow(Double(beta1), Double(step))))
                let rootCorrection = Float((1 - pow(Double(beta2), Double(step))).squareRoot())
                for i in 0..<19 {
                    let g = grad[i] + decay * w[i]
                    m[i] = beta1 * m[i] + (1 - beta1) * g
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g
                    w[i] = w[i] - stepSize * m[i] / (v[i].squareRoot() / rootCorrection + epsilon)
                }
                XCTAssertEqual(parameter.value.storage, w, "decay \(decay) step \(step)")
            }
        }
    }

    /// The global norm sums squares in eight interleaved partial sums across parameters of any
    /// size; with small integers every partial sum is exact, so any element dropped or counted
    /// twice would show.
    func testGradientSumOfSquaresCountsEveryElementOnce() {
        var expected = 0.0
        var parameters: [Parameter] = []
        for (k, size) in [3, 13, 1, 20, 8].enumerated() {
            let values = (0..<size).map { Float(($0 * 5 + k * 3) % 9) - 4 }
            expected += values.reduce(0.0) { $0 + Double($1) * Double($1) }
            let p = Parameter(name: "p\(k)", value: Tensor(zeros: [size]))
            p.grad = Tensor(shape: [size], storage: values)
            parameters.append(p)
        }
        XCTAssertEqual(gradientSumOfSquares(parameters), expected)
        XCTAssertEqual(gradientSumOfSquares([]), 0)
    }

    // MARK: RMSprop

    private func referenceRMSprop(
        alpha: Double, epsilon: Double, momentum: Double, centered: Bool,
        decay: Double
    ) -> [[Double]] {
        let zeros = [Double](repeating: 0, count: start.count)
        var w = start
        var s = zeros
        var a = zeros
        var b = zeros
        var out: [[Double]] = []
        for (grad, rate) in zip(gradients, rates) {
            for i in w.indices {
                let g = grad[i] + decay * w[i]
                s[i] = alpha * s[i] + (1 - alpha) * g * g
                a[i] = alpha * a[i] + (1 - alpha) * g
                let d = (centered ? (s[i] - a[i] * a[i]).squareRoot() : s[i].squareRoot()) + epsilon
                if momentum > 0 {
                    b[i] = momentum * b[i] + g / d
                    w[i] -= rate * b[i]
                } else {
                    w[i] -= rate * g / d
                }
            }
            out.append(w)
        }
        return out
    }

    func testRMSpropMatchesPyTorchRule() {
        assertClose(
            run(RMSprop()),
            referenceRMSprop(
                alpha: 0.99, epsilon: 1e-8, momentum: 0, centered: false,
                decay: 0), accuracy: 2e-5)
        assertClose(
            run(RMSprop(alpha: 0.9, epsilon: 1e-3, momentum: 0.5, centered: true, weightDecay: 0.02)),
            referenceRMSprop(alpha: 0.9, epsilon: 1e-3, momentum: 0.5, centered: true, decay: 0.02),
            accuracy: 2e-5)
    }

    func testRMSpropFirstStepHandComputed() {
        // s = 0.01·g², so g / sqrt(s) = 10·sign(g): the first step moves by 10·η.
        let optimizer = RMSprop(epsilon: 0)
        let parameter = Parameter(name: "w", value: Tensor(shape: [2], storage: [1, 1]))
        parameter.grad = Tensor(shape: [2], storage: [0.3, -2])
        optimizer.step([parameter], learningRate: 0.01)
        XCTAssertEqual(parameter.value.storage[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(parameter.value.storage[1], 1.1, accuracy: 1e-6)
    }

    // MARK: Adam and AdamW

    private func referenceAdam(
        beta1: Double, beta2: Double, epsilon: Double, l2: Double,
        decoupled: Double
    ) -> [[Double]] {
        let zeros = [Double](repeating: 0, count: start.count)
        var w = start
        var m = zeros
        var v = zeros
        var out: [[Double]] = []
        for (t, (grad, rate)) in zip(gradients, rates).enumerated() {
            for i in w.indices {
                w[i] *= 1 - rate * decoupled
                let g = grad[i] + l2 * w[i]
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                let mHat = m[i] / (1 - pow(beta1, Double(t + 1)))
                let vHat = v[i] / (1 - pow(beta2, Double(t + 1)))
                w[i] -= rate * mHat / (vHat.squareRoot() + epsilon)
            }
            out.append(w)
        }
        return out
    }

    func testAdamFirstStepMovesByLearningRate() {
        // Bias correction makes m̂/sqrt(v̂) = g/|g| on step 1 (Kingma & Ba 2015, section 3).
        let parameter = Parameter(name: "w", value: Tensor(shape: [3], storage: [1, 1, 1]))
        parameter.grad = Tensor(shape: [3], storage: [0.001, -50, 3])
        Adam(epsilon: 0).step([parameter], learningRate: 0.1)
        XCTAssertEqual(parameter.value.storage[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(parameter.value.storage[1], 1.1, accuracy: 1e-6)
        XCTAssertEqual(parameter.value.storage[2], 0.9, accuracy: 1e-6)
    }

    func testAdamMatchesPublishedRule() {
        assertClose(run(Adam()), referenceAdam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, l2: 0, decoupled: 0))
        assertClose(
            run(Adam(beta1: 0.8, beta2: 0.99, epsilon: 1e-4, weightDecay: 0.1)),
            referenceAdam(beta1: 0.8, beta2: 0.99, epsilon: 1e-4, l2: 0.1, decoupled: 0))
    }

    func testAdamWDecouplesWeightDecay() {
        let expected = referenceAdam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, l2: 0, decoupled: 0.1)
        assertClose(run(AdamW(weightDecay: 0.1)), expected)
        // Decoupled decay differs from L2 in the gradient (the point of Loshchilov & Hutter 2019).
        let coupled = run(Adam(weightDecay: 0.1))
        XCTAssertGreaterThan(abs(coupled[2][2] - expected[2][2]), 1e-4)
    }

    // MARK: state

    private func assertStateRoundTripContinuesIdentically(
        _ make: () -> any Optimizer,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let parameters = [
            Parameter(name: "layers.0.weight", value: Tensor(shape: [2, 2], storage: [1, -2, 3, 0.5])),
            Parameter(name: "layers.0.bias", value: Tensor(shape: [2], storage: [0.1, -0.1])),
        ]
        func setGradients(_ step: Int) {
            for (p, parameter) in parameters.enumerated() {
                parameter.grad.storage = parameter.value.storage.indices.map {
                    Float(sin(Double(step * 7 + p * 3 + $0)))
                }
            }
        }
        let first = make()
        for step in 0..<3 {
            setGradients(step)
            first.step(parameters, learningRate: 0.01)
        }
        let saved = first.stateTensors()
        XCTAssertEqual(saved["step"], Tensor(shape: [1], storage: [3]), file: file, line: line)
        let copies = parameters.map { Parameter(name: $0.name, value: $0.value) }
        let second = make()
        XCTAssertNoThrow(try second.loadState(saved), file: file, line: line)
        XCTAssertEqual(second.stateTensors(), saved, file: file, line: line)
        for step in 3..<6 {
            setGradients(step)
            first.step(parameters, learningRate: 0.01)
            for (copy, original) in zip(copies, parameters) { copy.grad = original.grad }
            second.step(copies, learningRate: 0.01)
        }
        for (copy, original) in zip(copies, parameters) {
            XCTAssertEqual(copy.value, original.value, "\(copy.name)", file: file, line: line)
        }
        XCTAssertEqual(first.stateTensors(), second.stateTensors(), file: file, line: line)
    }

    func testStateRoundTripGivesIdenticalContinuation() {
        assertStateRoundTripContinuesIdentically { SGD(momentum: 0.9, nesterov: true) }
        assertStateRoundTripContinuesIdentically { RMSprop(momentum: 0.5, centered: true) }
        assertStateRoundTripContinuesIdentically { Adam() }
        assertStateRoundTripContinuesIdentically { AdamW() }
    }

    func testStateNamesFollowPyTorch() {
        let parameter = Parameter(name: "layers.3.weight", value: Tensor(zeros: [2]))
        let adam = Adam()
        adam.step([parameter], learningRate: 0.1)
        XCTAssertEqual(
            Set(adam.stateTensors().keys), ["layers.3.weight.exp_avg", "layers.3.weight.exp_avg_sq", "step"])
        let sgd = SGD(momentum: 0.9)
        sgd.step([parameter], learningRate: 0.1)
        XCTAssertEqual(Set(sgd.stateTensors().keys), ["layers.3.weight.momentum_buffer", "step"])
    }

    func testLoadStateRejectsForeignState() {
        let adam = Adam()
        XCTAssertThrowsError(try adam.loadState(["w.exp_avg": Tensor(zeros: [1])])) { error in
            XCTAssertTrue("\(error)".contains("'step'"), "\(error)")
        }
        XCTAssertThrowsError(
            try adam.loadState([
                "step": Tensor(shape: [1], storage: [1]),
                "w.momentum_buffer": Tensor(zeros: [1]),
            ])
        ) { error in
            XCTAssertTrue("\(error)".contains("unexpected key 'w.momentum_buffer'"), "\(error)")
        }
        XCTAssertThrowsError(try adam.loadState(["step": Tensor(shape: [1], storage: [1.5])]))
        XCTAssertThrowsError(try adam.loadState(["step": Tensor(shape: [2], storage: [1, 1])]))
    }

    // MARK: clipping

    func testClipGradientNormHandComputed() {
        let a = Parameter(name: "a", value: Tensor(zeros: [2]))
        let b = Parameter(name: "b", value: Tensor(zeros: [1]))
        a.grad = Tensor(shape: [2], storage: [3, 0])
        b.grad = Tensor(shape: [1], storage: [-4])
        XCTAssertEqual(clipGradientNorm([a, b], maxNorm: 10), 5)  // below the limit: untouched
        XCTAssertEqual(a.grad.storage, [3, 0])
        XCTAssertEqual(clipGradientNorm([a, b], maxNorm: 1), 5)
        XCTAssertEqual(a.grad.storage[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(b.grad.storage[0], -0.8, accuracy: 1e-6)
        b.grad.storage[0] = .nan
        XCTAssertTrue(clipGradientNorm([a, b], maxNorm: 1).isNaN)
        XCTAssertEqual(a.grad.storage[0], 0.6, accuracy: 1e-6)  // left untouched
    }
}

final class OptimizerCheckedStateTests: XCTestCase {
    func testCheckedLoadRejectsStateOfAnotherNetwork() throws {
        let weight = Parameter(name: "layers.0.weight", value: Tensor(zeros: [2, 2]))
        weight.grad = Tensor(shape: [2, 2], storage: [1, 2, 3, 4])
        let adam = Adam()
        adam.step([weight], learningRate: 0.1)
        let state = adam.stateTensors()

        let same = Adam()
        try same.loadState(state, checkingAgainst: [weight], source: "opt.safetensors")
        XCTAssertEqual(same.stateTensors(), state)

        let other = Parameter(name: "layers.0.weight", value: Tensor(zeros: [4]))
        XCTAssertThrowsError(try Adam().loadState(state, checkingAgainst: [other], source: "opt.safetensors"))
        {
            XCTAssertTrue(
                "\($0)".hasPrefix(
                    "opt.safetensors: state 'layers.0.weight.exp_avg' has shape [2, 2], "
                        + "parameter 'layers.0.weight' has [4]"), "\($0)")
        }
        let renamed = Parameter(name: "layers.1.weight", value: Tensor(zeros: [2, 2]))
        XCTAssertThrowsError(
            try Adam().loadState(state, checkingAgainst: [renamed], source: "opt.safetensors")
        ) {
            XCTAssertTrue("\($0)".contains("'layers.0.weight.exp_avg' belongs to no parameter"), "\($0)")
        }
        XCTAssertThrowsError(try SGD(momentum: 0.9).loadState(state, checkingAgainst: [weight], source: "o"))
        {
            XCTAssertTrue("\($0)".hasPrefix("o: SGD state: unexpected key"), "\($0)")
        }
    }
}
