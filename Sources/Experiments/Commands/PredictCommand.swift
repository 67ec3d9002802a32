import Foundation
import WorkbenchData
import WorkbenchModel

/// `workbench predict RUN IMAGE.png ...`: class probabilities per image from a run's weights.
struct PredictCommand: Command {
    static let spec = CommandSpec(
        name: "predict",
        abstract: "Print class probabilities for images using a run's best (else final) weights.",
        positionals: [
            .init("RUN", "Run id, unique id prefix or run folder."),
            .init("IMAGE.png", "Images to classify.", repeats: true),
        ],
        options: [
            .init("store", .value(placeholder: "DIR"), "Run store folder (default: ./runs)."),
            .init("weights", .value(placeholder: "best|final"), "Which weights (default best, else final)."),
        ],
        discussion: """
            Prints CSV: image, predicted class, then one probability column per class. Images are decoded with
            the run's data.channels, resized when the run's data.resize is set, and normalised as in training.
            The network is rebuilt from the run's config.yaml (its training data must still be readable, to
            know the input shape and class names) and loaded from weights/best.safetensors (the best epoch,
            see summary.json) or weights/final.safetensors.
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let store = RunStore.chosen(context.arguments.value("store"), besides: URL(fileURLWithPath: "."))
        let folder = try store.resolve(context.arguments.positionals[0])
        let which = context.arguments.value("weights")
        guard which == nil || which == "best" || which == "final" else {
            throw CLIError.usage(
                "option '--weights' expects best or final, found '\(which!)'", usage: Self.spec.usage)
        }
        do {
            let config = try ExperimentConfig.load(file: folder.config.path)
            let train = try config.makeTrainDataset()
            let network = try config.checkedNetwork(train: train, test: nil)
            let candidates = which.map { [$0] } ?? ["best", "final"]
            guard
                let url = candidates.map({ folder.weights.appendingPathComponent("\($0).safetensors") })
                    .first(where: { FileManager.default.fileExists(atPath: $0.path) })
            else {
                throw CLIError.failure(
                    "\(folder.weights.path): no \(candidates.joined(separator: " or ")).safetensors")
            }
            do {
                try network.load(Safetensors.read(from: url.path).tensors)
            } catch let error as ModelError {
                throw CLIError.failure(
                    "\(url.path): these weights do not fit the network of \(folder.config.path): \(error)")
            }
            let normalization = config.makeNormalization()
            let shape = network.inputShape
            var pixels: [Float] = []
            let paths = Array(context.arguments.positionals.dropFirst())
            for path in paths {
                var image = try PNG.decode(path: path, options: PNGOptions(channels: config.data.channels))
                if let size = config.data.resize {
                    image = BilinearResize.resize(image, height: size[0], width: size[1])
                }
                guard [image.channels, image.height, image.width] == shape else {
                    throw CLIError.failure(
                        "\(path): expected a \(shape[0])-channel \(shape[1])×\(shape[2]) image,"
                            + " found \(image.channels)-channel \(image.height)×\(image.width)")
                }
                normalization?.apply(&image)
                pixels += image.pixels
            }
            let probabilities = network.probabilities(images: pixels, count: paths.count)
            let k = probabilities.shape[1]
            let names = (0..<k).map { $0 < train.classNames.count ? train.classNames[$0] : String($0) }
            var rows: [[String]] = []
            for (n, path) in paths.enumerated() {
                let p = Array(probabilities.storage[(n * k)..<((n + 1) * k)])
                let best = p.indices.max { p[$0] < p[$1] }!
                rows.append([path, names[best]] + p.map(CSV.format))
            }
            context.console.write(CSV.table(header: ["image", "predicted"] + names, rows: rows))
            context.console.error("weights: \(url.path)")
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError.failure("\(error)")
        }
        return ExitStatus.success
    }
}
