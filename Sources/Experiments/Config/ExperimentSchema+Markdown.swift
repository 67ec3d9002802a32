extension ExperimentSchema {
    /// Every schema table as markdown, one `### heading` per section or named variant; the reference
    /// part of docs/experiment-file.md is exactly this text (a test keeps them equal).
    public static func markdownReference() -> String {
        func table(_ specs: [KeySpec]) -> String {
            guard !specs.isEmpty else { return "No keys.\n" }
            var out = "| key | type and range | default | meaning |\n| --- | --- | --- | --- |\n"
            for spec in specs {
                let cells = ["`\(spec.name)`", spec.type.expected, spec.defaultValue.text, spec.doc]
                out +=
                    "| "
                    + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ")
                    + " |\n"
            }
            return out
        }
        func named(_ title: String, _ variants: [(String, [KeySpec])]) -> String {
            variants.map { "### \(title) `\($0.0)`\n\n" + table($0.1) }.joined(separator: "\n")
        }
        return [
            "### Top level\n\n" + table(top),
            "### `data`\n\n" + table(data),
            named("data source format", dataSources),
            "### `data.normalize`\n\n" + table(normalize),
            named("augmentation", augmentations),
            named("layer", layers),
            named("loss", losses),
            named("optimizer", optimizers),
            named("schedule", schedules),
            "### `training`\n\n" + table(training),
            "### `sweep.random`\n\n" + table(sweepRandom),
            "### `sweep.random.space.<key>` range\n\n" + table(sweepRange),
        ].joined(separator: "\n")
    }
}
