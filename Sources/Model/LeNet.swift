/// LeNet-5 (LeCun et al. 1998, "Gradient-based learning applied to document recognition") as a
/// layer list, for 1×32×32 inputs.
public enum LeNet {
    /// Table I of the paper: which of S2's 6 maps each of C3's 16 maps sees (60 connections,
    /// 1,516 trainable parameters in C3).
    public static let c3Connections: [[Int]] = [
        [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1],
        [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2],
        [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
        [0, 1, 2, 3, 4, 5],
    ]

    /// C1 conv 5×5 (6) → S2 trainable subsampling → C3 conv 5×5 (16, Table I) → S4 → C5 conv 5×5 (120)
    /// → F6 dense 84 → output dense `classes`, with LeCun's scaled tanh after every layer but the last.
    /// The output is a plain dense layer (logits for softmax cross-entropy) instead of the paper's
    /// RBF units.
    public static func lenet5(classes: Int = 10, activation: Activation = .lecunTanh) -> [LayerSpec] {
        [
            .conv(.init(outChannels: 6, kernel: 5)), .activation(activation),
            .lecunSubsample(kernel: 2), .activation(activation),
            .conv(.init(outChannels: 16, kernel: 5, connections: c3Connections)), .activation(activation),
            .lecunSubsample(kernel: 2), .activation(activation),
            .conv(.init(outChannels: 120, kernel: 5)), .activation(activation),
            .dense(.init(outputs: 84)), .activation(activation),
            .dense(.init(outputs: classes)),
        ]
    }
}
