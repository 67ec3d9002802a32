import Foundation
import WorkbenchData
import WorkbenchModel
import WorkbenchRandom

/// `workbench gradcheck EXP.yaml`: finite-difference check of the configured network on real samples.
struct GradcheckCommand: Command {
    static let spec = CommandSpec(
        name: "gradcheck", abstract: "Check the configured network's gradients on a few real samples.",
        positionals: [.init("EXP.yaml", "The experiment file.")],
        options: [
            .init("set", .repeated(placeholder: "KEY=VALUE"), "Override a config key."),
            .init("count", .value(placeholder: "N"), "Training samples to check on (default 4)."),
            .init(
                "tolerance", .value(placeholder: "X"),
                "Largest relative error accepted: a finite number > 0 (default 0.01)."),
        ],
        discussion: """
            Uses the first samples of the training set as evaluation sees them (normalised, not augmented at
            random; centre-cropped to the size of every random_crop), the network initialised from the experiment's seed, and the configured loss. For each layer it
            prints the largest error of its input and parameter gradients against central differences, and
            how many coordinates were checked and how many skipped because the step crossed a kink (a
            ReLU/ELU sign or max-pool winner change). Error e = |a − n| / max(|a|, |n|, N / tolerance), N the
            measured float32 noise of the difference (docs/gradient-check.md). Exit 0 when every error is
            within the tolerance and every layer had coordinates checked.
            """)
    let context: CommandContext
    init(context: CommandContext) throws { self.context = context }

    func run() throws -> Int32 {
        let count = try context.arguments.integer("count", in: 1...256, usage: Self.spec.usage) ?? 4
        var tolerance = 0.01
        if let text = context.arguments.value("tolerance") {
            guard let value = Double(text), value.isFinite, value > 0 else {
                throw CLIError.usage(
                    "option '--tolerance' expects a finite number > 0, found '\(text)'",
                    usage: Self.spec.usage)
            }
            tolerance = value
        }
        let config = try RunCommand.loadConfig(context, spec: Self.spec)
        let setup: TrainingSetup
        do { setup = try TrainingSetup.make(config) } catch { throw CLIError.failure("\(error)") }
        guard let model = setup.model as? NetworkModel else {
            throw CLIError.failure("gradcheck needs a network model")
        }
        let data = setup.plan.train.dataset
        let stream = try BatchStream.evaluation(
            dataset: data, batchSize: min(count, data.count),
            normalization: setup.plan.train.normalization, resize: config.makeEvaluationResize(), workers: 0)
        let iterator = stream.epoch(0).makeIterator()
        guard let batch = try iterator.nextBatch() else {
            throw CLIError.failure("the training set is empty")
        }
        iterator.cancel()
        let report = model.network.gradientCheck(
            images: batch.images, labels: batch.labels, loss: model.loss,
            rng: SplitMix64(seed: config.seed).derived(RandomStream.sampler.rawValue), tolerance: tolerance)
        context.console.print(
            "gradient check on \(batch.count) samples (relative errors; tolerance \(tolerance))")
        context.console.print("#   layer                   input         parameters    checked  skipped")
        for layer in report.layers {
            let kind = layer.kind.padding(toLength: 22, withPad: " ", startingAt: 0)
            let parameters = (layer.parameters > 0 ? String(format: "%.3e", layer.parameters) : "-")
                .padding(toLength: 12, withPad: " ", startingAt: 0)
            context.console.print(
                String(
                    format: "%-3d %@  %-12.3e  %@  %7d  %7d", layer.index, kind, layer.input,
                    parameters, layer.checked, layer.skipped))
        }
        context.console.print(String(format: "    loss gradient           %.3e", report.loss))
        for note in report.mostlySkipped { context.console.print("note: \(note)") }
        for problem in report.unchecked { context.console.print("error: \(problem)") }
        let ok = report.passed
        let verdict = ok ? "ok" : report.unchecked.isEmpty ? "exceeds the tolerance" : "not verified"
        context.console.print(String(format: "largest %.3e: %@", report.maximum, verdict))
        return ok ? ExitStatus.success : ExitStatus.failure
    }
}
