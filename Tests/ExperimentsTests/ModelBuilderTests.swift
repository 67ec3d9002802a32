import WorkbenchData
import WorkbenchModel
import XCTest

@testable import WorkbenchExperiments

/// The `model:` list maps onto WorkbenchModel's layer specs, and shapes that do not fit are reported
/// at `model[i]` with the layer's line before anything trains.
final class ModelBuilderTests: XCTestCase {
    var fx: ConfigFixture!

    override func setUpWithError() throws { fx = try ConfigFixture() }
    override func tearDown() { fx = nil }

    static let lenet = """
        name: lenet
        data:
          train: {format: idx, images: data/tiny-images.idx, labels: data/tiny-labels.idx}
        model:
          - conv: {filters: 6, kernel: 5, padding: 2}
          - relu
          - subsample: {kind: max, size: 2}
          - conv: {filters: 16, kernel: 5}
          - relu
          - subsample: {kind: max, size: 2}
          - flatten
          - dense: {units: 120}
          - relu
          - dense: {units: 84}
          - relu
          - dense: {units: 10}

        """

    /// Three 28×28 images with labels 0, 1, 2 written as IDX files.
    func writeTinyIDX(side: Int = 28) throws {
        let images = IDXArray(
            dimensions: [3, side, side], values: [UInt8](repeating: 7, count: 3 * side * side))
        try images.write(to: fx.folder + "/data/tiny-images.idx")
        try IDXArray(dimensions: [3], values: [UInt8(0), 1, 2]).write(to: fx.folder + "/data/tiny-labels.idx")
    }

    func testLayerSpecsMatchTheFile() throws {
        try writeTinyIDX()
        let c = try fx.load(
            """
            name: specs
            data:
              train: {format: idx, images: data/tiny-images.idx, labels: data/tiny-labels.idx}
            model:
              - conv: {filters: 3, kernel: 5, stride: 2, padding: 1, bias: false, init: xavier_normal, table: [[0], [0], [0]]}
              - scaled_tanh
              - subsample: {kind: lecun, size: 2}
              - subsample: {kind: avg, size: 3, stride: 1, padding: 1}
              - leaky_relu: {slope: 0.1}
              - elu
              - batchnorm: {momentum: 0.2}
              - dropout: {p: 0.25}
              - global_avg
              - flatten
              - dense: {units: 4, bias: false}
              - sigmoid
              - tanh

            """)
        XCTAssertEqual(
            c.makeLayerSpecs(),
            [
                .conv(
                    .init(
                        outChannels: 3, kernel: 5, stride: 2, padding: 1, bias: false,
                        connections: [[0], [0], [0]],
                        initializer: "xavier_normal")),
                .activation(.lecunTanh),
                .lecunSubsample(kernel: 2, stride: 2),
                .avgPool(.init(kernel: 3, stride: 1, padding: 1)),
                .activation(.leakyReLU(slope: 0.1)),
                .activation(.elu(alpha: 1)),
                .batchNorm(momentum: 0.2, epsilon: 1e-5),
                .dropout(probability: 0.25),
                .globalAvgPool,
                .flatten,
                .dense(.init(outputs: 4, bias: false, initializer: "he_uniform")),
                .activation(.sigmoid),
                .activation(.tanh),
            ])
        let network = try c.checkedNetwork(train: try c.makeTrainDataset(), test: nil)
        XCTAssertEqual(network.outputShape, [4])
    }

    func testLeNet5BuildsWithTheKnownParameterCount() throws {
        try writeTinyIDX()
        let c = try fx.load(Self.lenet)
        let network = try c.checkedNetwork(train: try c.makeTrainDataset(), test: try c.makeTestDataset())
        XCTAssertEqual(network.outputShape, [10])
        XCTAssertEqual(network.layerOutputShapes[2], [6, 14, 14])
        XCTAssertEqual(network.layerOutputShapes[6], [400])
        // 156 + 2416 + 48120 + 10164 + 850: LeNet-5 with a full C3, as usually quoted (61,706).
        XCTAssertEqual(network.parameterCount, 61_706)
        // Same seed, same initial weights.
        let again = try c.makeNetwork(inputShape: [1, 28, 28])
        XCTAssertEqual(again.parameters[0].value, network.parameters[0].value)
    }

    func failure(_ c: ExperimentConfig, test: Bool = false) throws -> String {
        do {
            _ = try c.checkedNetwork(
                train: try c.makeTrainDataset(), test: test ? try c.makeTrainDataset() : nil)
            return "no error"
        } catch let error as ConfigError {
            return error.description.replacingOccurrences(of: fx.folder, with: "DIR")
        }
    }

    func testShapesThatDoNotFitNameTheLayerAndLine() throws {
        try writeTinyIDX(side: 8)  // conv pad 2 → 8×8, pool → 4×4, then a 5×5 conv cannot fit
        XCTAssertEqual(
            try failure(try fx.load(Self.lenet)),
            "DIR/exp.yaml:8:5: model[3].conv: conv 5×5 is larger than its 4×4 input (network input 1×8×8)")
    }

    func testConnectionTableIndicesAreCheckedAgainstTheInputMaps() throws {
        try writeTinyIDX()
        let text = Self.lenet.replacingOccurrences(
            of: "{filters: 6, kernel: 5, padding: 2}",
            with: "{filters: 2, kernel: 5, padding: 2, table: [[0], [1]]}")
        XCTAssertEqual(
            try failure(try fx.load(text)),
            "DIR/exp.yaml:5:5: model[0].conv: conv 5×5 connection table row 1 "
                + "names input map 1, the previous layer gives 1 maps (0..<1) (network input 1×28×28)")
    }

    func testTheLastLayerMustScoreEveryClass() throws {
        try writeTinyIDX()
        let two = Self.lenet.replacingOccurrences(of: "{units: 10}", with: "{units: 2}")
        XCTAssertEqual(
            try failure(try fx.load(two)),
            "DIR/exp.yaml:16:5: model[11].dense: expected at least 3 outputs, one per class "
                + "(data.train: labels 0…2), found 2"
        )
        let maps = Self.lenet.components(separatedBy: "  - flatten\n")[0]
        XCTAssertEqual(
            try failure(try fx.load(maps)),
            "DIR/exp.yaml:10:5: model[5].subsample: expected the last layer to give class scores [K], found maps 16×5×5"
        )
    }

    func testAugmentationsChangeTheNetworkInputAndMustFit() throws {
        try writeTinyIDX()
        let tooBig = try fx.load(Self.lenet + "augment:\n  - hflip\n  - random_crop: {size: 40}\n")
        XCTAssertEqual(
            try failure(tooBig),
            "DIR/exp.yaml:19:5: augment[1].random_crop: expected a crop no larger than "
                + "the padded image 28x28, found crop 40x40")
        let smaller = try fx.load(Self.lenet + "augment: [{random_crop: {size: 24}}]\n")
        XCTAssertEqual(try smaller.networkInputShape(trainShape: (1, 28, 28)), [1, 24, 24])
        // Test images are centre-cropped to the crop size, so 28×28 test images fit a 24×24 network.
        XCTAssertEqual(try failure(smaller, test: true), "no error")
        XCTAssertEqual(
            try failure(
                try fx.load(Self.lenet + "augment: [{random_crop: {size: 28, padding: 4}}]\n"),
                test: true), "no error")
    }

    func testSweepChildrenKeepTheLayerLines() throws {
        try writeTinyIDX(side: 8)
        let c = try fx.load(Self.lenet + "sweep: {grid: {model.0.conv.filters: [4, 8]}}\n")
        let children = try c.expandSweep()
        XCTAssertEqual(children.map { $0.model[0].params.int("filters") }, [4, 8])
        XCTAssertEqual(
            children[1].model[3].mark, SourceMark(origin: fx.folder + "/exp.yaml", line: 8, column: 5))
        XCTAssertEqual(
            try failure(children[1]),
            "DIR/exp.yaml:8:5: model[3].conv: conv 5×5 is larger than its 4×4 input (network input 1×8×8)")
    }
}
