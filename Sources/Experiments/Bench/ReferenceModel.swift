import WorkbenchModel

/// The two reference models of the PyTorch comparison, layer for layer as the PyTorch baseline
/// script (not in this repository; see `scripts/bench-vs-pytorch`) defines them (28×28 grey input,
/// 10 classes), as a table.
///
/// | name           | layers                                                                         |
/// | -------------- | ------------------------------------------------------------------------------ |
/// | `lenet5`       | conv5×5 1→6 pad 2, ReLU, max 2, conv5×5 6→16, ReLU, max 2, fc 400-120-84-10   |
/// | `convnet-wide` | conv3×3 1→32 pad 1, ReLU, max 2, conv3×3 32→64 pad 1, ReLU, max 2, fc 3136-128-10 |
///
/// LeNet-5 here is the modern ReLU/max-pool variant PyTorch users train, not LeCun et al. (1998)'s
/// original with trainable subsampling and the C3 connection table.
public struct ReferenceModel: Sendable {
    public var name: String
    public var specs: [LayerSpec]
    public static let inputShape = [1, 28, 28]

    public static let table: [ReferenceModel] = [
        ReferenceModel(name: "lenet5", specs: [
            .conv(.init(outChannels: 6, kernel: 5, padding: 2)), .activation(.relu), .maxPool(.init(kernel: 2)),
            .conv(.init(outChannels: 16, kernel: 5)), .activation(.relu), .maxPool(.init(kernel: 2)),
            .flatten, .dense(.init(outputs: 120)), .activation(.relu),
            .dense(.init(outputs: 84)), .activation(.relu), .dense(.init(outputs: 10)),
        ]),
        ReferenceModel(name: "convnet-wide", specs: [
            .conv(.init(outChannels: 32, kernel: 3, padding: 1)), .activation(.relu), .maxPool(.init(kernel: 2)),
            .conv(.init(outChannels: 64, kernel: 3, padding: 1)), .activation(.relu), .maxPool(.init(kernel: 2)),
            .flatten, .dense(.init(outputs: 128)), .activation(.relu), .dense(.init(outputs: 10)),
        ]),
    ]

    public static var names: [String] { table.map(\.name) }

    public static func named(_ name: String) -> ReferenceModel? { table.first { $0.name == name } }
}
