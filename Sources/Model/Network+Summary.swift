/// A per-layer summary (index, kind, output shape, parameters, forward FLOPs) and its text table.
extension Network {
    public struct LayerSummary: Equatable, Sendable {
        public var index: Int
        public var kind: String
        /// Per-sample output shape.
        public var outputShape: [Int]
        public var parameters: Int
        /// Forward floating-point operations per sample (a multiply-add counts 2).
        public var flops: Int
    }

    public var summary: [LayerSummary] {
        layers.indices.map { i in
            var count = layers[i].parameters.reduce(0) { $0 + $1.value.count }
            if let conv = layers[i] as? Conv2D, let table = conv.connections {
                count = table.reduce(0) { $0 + $1.count } * conv.kernelHeight * conv.kernelWidth
                    + (conv.bias?.value.count ?? 0)
            }
            return LayerSummary(index: i, kind: specs[i].kind, outputShape: layerOutputShapes[i],
                                parameters: count, flops: layerFlops[i])
        }
    }

    /// Forward FLOPs per sample for the whole network.
    public var flopsPerSample: Int { layerFlops.reduce(0, +) }

    /// The summary as an aligned text table with a total line, e.g.
    ///
    ///     #   layer               output        params      FLOPs
    ///     0   conv 5×5            6×28×28          156    122,304
    public func summaryTable() -> String {
        func grouped(_ n: Int) -> String {
            let digits = Array(String(n))
            var out = ""
            for (i, d) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(d)
            }
            return out
        }
        func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return right ? fill + s : s + fill
        }
        var lines = [pad("#", 4) + pad("layer", 22) + pad("output", 12) + pad("params", 12, right: true)
                     + pad("FLOPs", 14, right: true)]
        lines.append(pad("-", 4) + pad("input", 22) + pad(inputShape.map(String.init).joined(separator: "×"), 12))
        for row in summary {
            lines.append(pad(String(row.index), 4) + pad(row.kind, 22)
                         + pad(row.outputShape.map(String.init).joined(separator: "×"), 12)
                         + pad(grouped(row.parameters), 12, right: true) + pad(grouped(row.flops), 14, right: true))
        }
        lines.append(pad("", 4) + pad("total", 22) + pad("", 12) + pad(grouped(parameterCount), 12, right: true)
                     + pad(grouped(flopsPerSample), 14, right: true))
        let trimmed = lines.map { line in String(line.reversed().drop(while: { $0 == " " }).reversed()) }
        return trimmed.joined(separator: "\n") + "\n"
    }
}
