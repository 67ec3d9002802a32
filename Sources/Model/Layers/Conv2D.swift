/// A 2-D convolution (cross-correlation, like PyTorch) computed as im2col + one GEMM per sample.
///
/// Weights are [out, in, kh, kw] and bias [out], as in PyTorch's `nn.Conv2d`. An optional connection
/// table restricts each output map to a subset of the input maps, as LeNet-5's C3 layer does
/// (LeCun et al. 1998, Table I); it is applied by masking the weights (and their gradients) to zero.
public final class Conv2D: Layer {
    public let inChannels: Int, outChannels: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let stride: Int, padding: Int
    public let weight: Parameter
    public let bias: Parameter?
    /// `connections[o]` lists the input maps output map `o` sees; nil means fully connected.
    public let connections: [[Int]]?
    /// [out, in] 0/1 mask derived from `connections`.
    private let mask: [Float]?

    // Forward cache, reused between calls of the same shape.
    /// One sample's column matrix [in·kh·kw, oH·oW], rebuilt by backward (one sample's columns stay
    /// in the L2 cache; a whole chunk's did not) and reused there for dcolumns.
    private var columns: [Float] = []
    /// The last forward's input (backward rebuilds the columns from it); dropped by `releaseInput`.
    private var input = Tensor.empty
    private var effectiveWeight: [Float] = []
    private var inputShape: [Int] = []
    private var outputBuffer = Tensor.empty, gradInputBuffer = Tensor.empty
    /// One sample's input maps with a zero border of `padding` (im2col's source), and the gradient
    /// w.r.t. it (col2im's target); unused without padding.
    var paddedInput: [Float] = [], paddedGradient: [Float] = []

    /// When false (`Network` clears it for its first layer), backward computes only the weight and
    /// bias gradients — no Wᵀ·dy product, no col2im — and returns `Tensor.empty`.
    public var needsInputGradient = true

    public var kind: String { "conv \(kernelHeight)×\(kernelWidth)" }
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public init(name: String, inChannels: Int, outChannels: Int, kernel: (Int, Int), stride: Int = 1,
                padding: Int = 0, bias: Bool = true, connections: [[Int]]? = nil) {
        precondition(inChannels > 0 && outChannels > 0 && kernel.0 > 0 && kernel.1 > 0 && stride > 0
                     && padding >= 0, "Conv2D needs positive sizes, got in \(inChannels) out \(outChannels) "
                     + "kernel \(kernel) stride \(stride) padding \(padding)")
        self.inChannels = inChannels
        self.outChannels = outChannels
        (kernelHeight, kernelWidth) = kernel
        self.stride = stride
        self.padding = padding
        self.weight = Parameter(name: "\(name).weight",
                                value: Tensor(zeros: [outChannels, inChannels, kernel.0, kernel.1]))
        self.bias = bias ? Parameter(name: "\(name).bias", value: Tensor(zeros: [outChannels])) : nil
        self.connections = connections
        if let connections {
            precondition(connections.count == outChannels,
                         "connection table has \(connections.count) rows, expected \(outChannels)")
            var m = [Float](repeating: 0, count: outChannels * inChannels)
            for (o, inputs) in connections.enumerated() {
                for i in inputs {
                    precondition((0..<inChannels).contains(i), "connection \(o)→\(i) outside 0..<\(inChannels)")
                    m[o * inChannels + i] = 1
                }
            }
            mask = m
        } else {
            mask = nil
        }
    }

    /// Inputs per output unit (for initialisers): connected input maps × kernel area, maximum over maps.
    public var fanIn: Int {
        let maps = connections?.map(\.count).max() ?? inChannels
        return maps * kernelHeight * kernelWidth
    }

    /// Outputs each input unit feeds (for initialisers), averaged over the connection table.
    public var fanOut: Int {
        let links = connections?.reduce(0) { $0 + $1.count } ?? inChannels * outChannels
        return max(1, links * kernelHeight * kernelWidth / inChannels)
    }

    public func outputSize(height: Int, width: Int) -> (Int, Int) {
        ((height + 2 * padding - kernelHeight) / stride + 1, (width + 2 * padding - kernelWidth) / stride + 1)
    }

    /// Zeroes weights outside the connection table (after initialisation or loading).
    public func applyConnectionMask() {
        guard let mask else { return }
        let area = kernelHeight * kernelWidth
        for i in 0..<weight.value.count where mask[i / area] == 0 { weight.value.storage[i] = 0 }
    }

    // Forward: x [N, in, H, W] → columns [in·kh·kw, oH·oW] per sample → y [N, out, oH, oW]
    //          y_n = W[out, in·kh·kw] · columns_n (+ b)
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 4 && input.shape[1] == inChannels,
                     "Conv2D expects [N, \(inChannels), H, W], got \(input.shape)")
        let n = input.shape[0], h = input.shape[2], w = input.shape[3]
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "Conv2D kernel \(kernelHeight)×\(kernelWidth) larger than input \(input.shape)")
        inputShape = input.shape
        self.input = input
        let k = inChannels * kernelHeight * kernelWidth, p = oh * ow
        if columns.count != k * p { columns = [Float](repeating: 0, count: k * p) }
        updateEffectiveWeight()
        var output = Tensor.take(&outputBuffer, shape: (n, outChannels, oh, ow), zeroed: false)
        input.storage.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { col in
                withEffectiveWeight { wt in
                    output.storage.withUnsafeMutableBufferPointer { y in
                        for s in 0..<n {
                            let colN = col.baseAddress!
                            im2col(x.baseAddress! + s * inChannels * h * w, height: h, width: w,
                                   outHeight: oh, outWidth: ow, into: colN)
                            let yN = y.baseAddress! + s * outChannels * p
                            if let bias {
                                bias.value.storage.withUnsafeBufferPointer { b in
                                    for o in 0..<outChannels { (yN + o * p).update(repeating: b[o], count: p) }
                                }
                            }
                            GEMM.multiply(transposeA: false, transposeB: false, m: outChannels, n: p, k: k,
                                          a: wt.baseAddress!, lda: k, b: colN, ldb: p,
                                          beta: bias == nil ? 0 : 1, c: yN, ldc: p)
                        }
                    }
                }
            }
        }
        outputBuffer = output
        return output
    }

    public func releaseInput() { input = .empty }

    // Backward: dy [N, out, oH, oW] → columns_n = im2col(x_n), dW += dy_n · columns_nᵀ, db += Σ dy_n,
    //           dcolumns = Wᵀ · dy_n → col2im → dx [N, in, H, W]
    public func backward(_ gradOutput: Tensor) -> Tensor {
        let n = inputShape[0], h = inputShape[2], w = inputShape[3]
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(gradOutput.shape.equals(n, outChannels, oh, ow),
                     "Conv2D backward expects \([n, outChannels, oh, ow]), got \(gradOutput.shape)")
        let k = inChannels * kernelHeight * kernelWidth, p = oh * ow
        let inputGradient = needsInputGradient
        // col2im overwrites every element of each sample's gradient: no zero fill needed.
        var gradInput = inputGradient ? Tensor.take(&gradInputBuffer, shape: inputShape, zeroed: false) : .empty
        precondition(input.shape == inputShape, "Conv2D backward needs the forward input (released?)")
        gradOutput.storage.withUnsafeBufferPointer { dy in
            input.storage.withUnsafeBufferPointer { x in
                withEffectiveWeight { wt in
                    weight.grad.storage.withUnsafeMutableBufferPointer { dw in
                        columns.withUnsafeMutableBufferPointer { col in
                            gradInput.storage.withUnsafeMutableBufferPointer { dx in
                                let dcol = col
                                for s in 0..<n {
                                    let dyN = dy.baseAddress! + s * outChannels * p
                                    im2col(x.baseAddress! + s * inChannels * h * w, height: h, width: w,
                                           outHeight: oh, outWidth: ow, into: col.baseAddress!)
                                    GEMM.multiply(transposeA: false, transposeB: true, m: outChannels, n: k, k: p,
                                                  a: dyN, lda: p, b: col.baseAddress!, ldb: p,
                                                  beta: 1, c: dw.baseAddress!, ldc: k)
                                    guard inputGradient else { continue }
                                    GEMM.multiply(transposeA: true, transposeB: false, m: k, n: p, k: outChannels,
                                                  a: wt.baseAddress!, lda: k, b: dyN, ldb: p,
                                                  beta: 0, c: dcol.baseAddress!, ldc: p)
                                    col2im(dcol.baseAddress!, height: h, width: w, outHeight: oh, outWidth: ow,
                                           into: dx.baseAddress! + s * inChannels * h * w)
                                }
                            }
                        }
                    }
                }
            }
        }
        if let bias {
            gradOutput.storage.withUnsafeBufferPointer { dy in
                bias.grad.storage.withUnsafeMutableBufferPointer { db in
                    for s in 0..<n {
                        for o in 0..<outChannels {
                            db[o] += Self.sum(dy.baseAddress! + (s * outChannels + o) * p, count: p)
                        }
                    }
                }
            }
        }
        if let mask {
            let area = kernelHeight * kernelWidth
            for i in 0..<weight.grad.count where mask[i / area] == 0 { weight.grad.storage[i] = 0 }
        }
        if inputGradient { gradInputBuffer = gradInput }
        return gradInput
    }

    public func replica() -> Layer {
        let copy = Conv2D(name: "", inChannels: inChannels, outChannels: outChannels,
                          kernel: (kernelHeight, kernelWidth), stride: stride, padding: padding,
                          bias: bias != nil, connections: connections)
        copy.weight.name = weight.name
        copy.weight.value = weight.value
        if let bias, let copyBias = copy.bias { copyBias.name = bias.name; copyBias.value = bias.value }
        return copy
    }

    /// Σ x[0..<count], in 16 interleaved partial sums (x[j] goes to sum j mod 16, which are then
    /// added in a fixed order): independent additions the CPU overlaps, unlike one running sum.
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        let raw = UnsafeRawPointer(x)
        var a = SIMD8<Float>(), b = SIMD8<Float>()
        var j = 0
        while j &+ 16 <= count {
            a += raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
            b += raw.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
            j &+= 16
        }
        var total = (a + b).sum()
        while j < count {
            total += x[j]
            j &+= 1
        }
        return total
    }

    /// The weights the convolution uses: masked by the connection table, or the weights themselves.
    private func withEffectiveWeight<R>(_ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        mask == nil ? weight.value.storage.withUnsafeBufferPointer(body) : effectiveWeight.withUnsafeBufferPointer(body)
    }

    private func updateEffectiveWeight() {
        guard let mask else { return }
        if effectiveWeight.count != weight.value.count {
            effectiveWeight = [Float](repeating: 0, count: weight.value.count)
        }
        let area = kernelHeight * kernelWidth
        for i in 0..<effectiveWeight.count {
            effectiveWeight[i] = mask[i / area] * weight.value.storage[i]
        }
    }
}
