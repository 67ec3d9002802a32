/// A fully connected layer y = x·Wᵀ + b through OpenBLAS. Weight [out, in] and bias [out] as in
/// PyTorch's `nn.Linear`. Accepts [N, C, H, W] by flattening each sample to C·H·W features.
public final class Dense: Layer {
    public let inputs: Int, outputs: Int
    public let weight: Parameter
    public let bias: Parameter?
    private var input = Tensor.empty
    private var outputBuffer = Tensor.empty, gradInputBuffer = Tensor.empty

    public var kind: String { "dense \(inputs)→\(outputs)" }
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public init(name: String, inputs: Int, outputs: Int, bias: Bool = true) {
        precondition(inputs > 0 && outputs > 0, "Dense needs positive sizes, got \(inputs)→\(outputs)")
        self.inputs = inputs
        self.outputs = outputs
        weight = Parameter(name: "\(name).weight", value: Tensor(zeros: [outputs, inputs]))
        self.bias = bias ? Parameter(name: "\(name).bias", value: Tensor(zeros: [outputs])) : nil
    }

    // Forward: x [N, in] (or [N, C, H, W] with C·H·W = in) → y [N, out] = x · Wᵀ + b.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        let n = input.shape.first ?? 0
        precondition(input.shape.count >= 2 && input.count == n * inputs,
                     "Dense expects [N, \(inputs)] (or [N, C, H, W] with C·H·W = \(inputs)), got \(input.shape)")
        self.input = input
        var output = Tensor.take(&outputBuffer, shape: (n, outputs), zeroed: false)
        let outputs = self.outputs
        input.storage.withUnsafeBufferPointer { x in
            weight.value.storage.withUnsafeBufferPointer { wt in
                output.storage.withUnsafeMutableBufferPointer { y in
                    // Bias fused: every row starts as b, then the product is added with beta 1.
                    bias?.value.storage.withUnsafeBufferPointer { b in
                        for s in 0..<n { (y.baseAddress! + s * outputs).update(from: b.baseAddress!, count: outputs) }
                    }
                    GEMM.multiply(transposeA: false, transposeB: true, m: n, n: outputs, k: inputs,
                                  a: x.baseAddress!, lda: inputs, b: wt.baseAddress!, ldb: inputs,
                                  beta: bias == nil ? 0 : 1, c: y.baseAddress!, ldc: outputs)
                }
            }
        }
        outputBuffer = output
        return output
    }

    // Backward: dy [N, out] → dW [out, in] += dyᵀ · x, db += Σ_n dy, dx [N, in] = dy · W
    //           (returned in the input's shape).
    public func backward(_ gradOutput: Tensor) -> Tensor {
        let n = input.shape[0]
        precondition(gradOutput.count == n * outputs,
                     "Dense backward expects [\(n), \(outputs)], got \(gradOutput.shape)")
        var gradInput = Tensor.take(&gradInputBuffer, shape: input.shape, zeroed: false)
        gradOutput.storage.withUnsafeBufferPointer { dy in
            input.storage.withUnsafeBufferPointer { x in
                weight.grad.storage.withUnsafeMutableBufferPointer { dw in
                    GEMM.multiply(transposeA: true, transposeB: false, m: outputs, n: inputs, k: n,
                                  a: dy.baseAddress!, lda: outputs, b: x.baseAddress!, ldb: inputs,
                                  beta: 1, c: dw.baseAddress!, ldc: inputs)
                }
            }
            weight.value.storage.withUnsafeBufferPointer { wt in
                gradInput.storage.withUnsafeMutableBufferPointer { dx in
                    GEMM.multiply(transposeA: false, transposeB: false, m: n, n: inputs, k: outputs,
                                  a: dy.baseAddress!, lda: outputs, b: wt.baseAddress!, ldb: inputs,
                                  beta: 0, c: dx.baseAddress!, ldc: inputs)
                }
            }
        }
        if let bias {
            // db[o] += Σ_n dy[n, o], samples in order (the inner loop over o vectorises).
            let outputs = self.outputs
            gradOutput.storage.withUnsafeBufferPointer { dy in
                bias.grad.storage.withUnsafeMutableBufferPointer { db in
                    for s in 0..<n {
                        let row = dy.baseAddress! + s * outputs
                        for o in 0..<outputs { db[o] += row[o] }
                    }
                }
            }
        }
        gradInputBuffer = gradInput
        return gradInput
    }

    public func releaseInput() { input = .empty }

    public func replica() -> Layer {
        let copy = Dense(name: "", inputs: inputs, outputs: outputs, bias: bias != nil)
        copy.weight.name = weight.name; copy.weight.value = weight.value
        if let bias, let copyBias = copy.bias { copyBias.name = bias.name; copyBias.value = bias.value }
        return copy
    }
}
