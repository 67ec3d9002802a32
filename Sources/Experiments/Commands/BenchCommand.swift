import Foundation
import WorkbenchModel

/// `workbench bench --model lenet5|convnet-wide`: training and inference throughput against a
/// measured GEMM ceiling, comparable with a PyTorch baseline script (not part of this repository:
/// `scripts/bench-vs-pytorch --baseline PATH` runs it beside this command).
/// `workbench bench --experiment EXP.yaml`: an experiment's own data stream against its training
/// (`ExperimentBenchmark`; see `BenchCommand+Experiment.swift`).
struct BenchCommand: Command {
    static let spec = CommandSpec(
        name: "bench", abstract: "Measure a reference model's training and inference speed, or an experiment's data stream.",
        options: [
            .init("model", .value(placeholder: "NAME"), "Reference model: \(ReferenceModel.names.joined(separator: " or ")) (default lenet5)."),
            .init("threads", .value(placeholder: "N"), "Worker threads (default 2); with --experiment, training.threads."),
            .init("batch", .value(placeholder: "B"), "Training batch size (default 64)."),
            .init("epochs", .value(placeholder: "E"), "Training epochs (default 1)."),
            .init("limit", .value(placeholder: "N"), "Train on only the first N images (default all)."),
            .init("chunk", .value(placeholder: "C"), "Samples per trainer chunk, the unit of parallel work (default 16)."),
            .init("data", .value(placeholder: "DIR"), "Folder of the four IDX files (default /usr/share/datasets/fashion-mnist)."),
            .init("experiment", .value(placeholder: "EXP.yaml"), "Measure this experiment's data stream and training instead of a reference model."),
            .init("batches", .value(placeholder: "N"), "With --experiment: training steps timed (default 300, at most one epoch)."),
            .init("set", .repeated(placeholder: "KEY=VALUE"), "With --experiment: override a config key, as for 'workbench run'."),
            .init("json", .flag, "Print one JSON line instead of the table."),
        ],
        discussion: """
            Without --experiment, trains the reference model as the PyTorch baseline script does (a script
            that is not part of this repository; scripts/bench-vs-pytorch runs it, given with --baseline
            PATH, beside this command): SGD lr 0.05 momentum 0.9, cross-entropy, inputs scaled to [0, 1],
            no normalisation, a seeded shuffle, lecun_uniform weights and zero biases; then it classifies
            the test set in batches of 1000. GFLOP/s count a multiply-add as 2 and training as 3× the
            forward FLOPs of the network summary. The GEMM ceiling is measured right before:
            THREADS concurrent single-threaded 768×768 cblas_sgemm products, best of 5 - the same way the
            trainer uses BLAS. "train, median" is the batch size over the median wall time of a full-batch
            step: other load on the machine stalls some steps (and the epoch's images/s with them) but
            moves the median little. "train CPU" is the process CPU time spent training: images per
            CPU-second vary far less with machine load than images/s, and CPU/wall shows how many threads
            really ran at once (a waiting thread spins, so it counts as running). Peak RSS is getrusage's ru_maxrss. Figures vary with machine load; compare with
            PyTorch side by side (scripts/bench-vs-pytorch).

            With --experiment EXP.yaml the config is loaded as 'workbench run' loads it (--set applies;
            --threads N is --set training.threads=N; config errors exit 1 as for run) and nothing is
            recorded. It times: the setup (load + decode + split, wall and CPU); loading the training IDX
            files alone (skipped for folder datasets); one full epoch (epoch 0) of the training stream alone
            on training.workers threads (decode, augment, normalise: images/s and CPU µs per image); the
            first N batches of that epoch each trained at the schedule's rate while the stream prepares the
            next ("training fed by the stream"); the same N batches gathered beforehand and trained again
            ("training from memory"), continuing from the weights the first pass left (so its mean loss
            is lower). One untimed step before them pays the first step's setup.
            stream / training is stream images/s over training images/s: above 1 training never waits for
            data. --model, --batch, --epochs, --limit and --data do not combine with --experiment.
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let arguments = context.arguments
        let usage = Self.spec.usage
        if let file = arguments.value("experiment") { return try runExperiment(file) }
        for name in Self.experimentOnly where !arguments.all(name).isEmpty {
            throw CLIError.usage("option '--\(name)' needs '--experiment EXP.yaml'", usage: usage)
        }
        let name = arguments.value("model") ?? "lenet5"
        guard let model = ReferenceModel.named(name) else {
            var message = "option '--model' expects \(ReferenceModel.names.joined(separator: " or ")), found '\(name)'"
            if let guess = closestMatch(to: name, in: ReferenceModel.names) { message += " (did you mean '\(guess)'?)" }
            throw CLIError.usage(message, usage: usage)
        }
        var benchmark = Benchmark(
            model: model, threads: try arguments.integer("threads", in: 1...256, usage: usage) ?? 2,
            batchSize: try arguments.integer("batch", in: 1...65_536, usage: usage) ?? 64,
            epochs: try arguments.integer("epochs", in: 1...1000, usage: usage) ?? 1)
        benchmark.trainLimit = try arguments.integer("limit", in: 1...Int(Int32.max), usage: usage)
        benchmark.chunkSize = try arguments.integer("chunk", in: 1...ExperimentSchema.maxChunk, usage: usage) ?? 16
        let folder = arguments.value("data") ?? "/usr/share/datasets/fashion-mnist"
        let json = arguments.flag("json")
        let result: Benchmark.Result
        do {
            result = try benchmark.run(dataFolder: folder) { if !json { context.console.error($0) } }
        } catch {
            throw CLIError.failure("\(error)")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            context.console.print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return ExitStatus.success
        }
        let r = result
        let lines = [
            "model            \(r.model) (\(String(format: "%.3f", Double(r.forwardFlops) / 1e6)) MFLOP forward)",
            "threads, batch   \(r.threads)\(r.threadsUsed == r.threads ? "" : " (\(r.threadsUsed) at once: one per processor)"), "
                + "\(r.batch) (chunk size \(r.chunk): \(r.chunksPerBatch) chunk\(r.chunksPerBatch == 1 ? "" : "s") per batch); "
                + "\(r.epochs) epoch(s) of \(r.trainImages) image\(r.trainImages == 1 ? "" : "s")",
            String(format: "train            %.0f images/s  %.1f GFLOP/s  %.1f%% of ceiling",
                   r.trainImagesPerSecond, r.trainGFLOPS, r.trainPercentOfCeiling),
            String(format: "train, median    %.0f images/s (batch / median step time)", r.trainMedianStepImagesPerSecond),
            String(format: "train CPU        %.2f s: %.0f images per CPU-second; CPU/wall %.2f",
                   r.trainCPUSeconds, Double(r.trainImages * r.epochs) / max(r.trainCPUSeconds, 1e-9),
                   r.trainCPUPerWall),
            String(format: "inference        %.0f images/s  %.1f GFLOP/s  %.1f%% of ceiling",
                   r.inferImagesPerSecond, r.inferGFLOPS, r.inferPercentOfCeiling),
            String(format: "GEMM ceiling     %.1f GFLOP/s (OpenBLAS core %@)", r.gemmCeilingGFLOPS, r.openBLASCore),
            "test accuracy    " + r.testAccuracy.map { String(format: "%.4f", $0) }.joined(separator: " "),
            String(format: "peak RSS         %.1f MiB", r.peakRSSMiB),
        ]
        for line in lines { context.console.print(line) }
        return ExitStatus.success
    }
}
