import Foundation

extension ExperimentConfig {
    /// Reads, overrides and checks an experiment file; every problem is reported in one
    /// `ConfigError`, sorted by line, before anything trains.
    ///
    /// - Parameters:
    ///   - file: the experiment YAML; relative data paths resolve against its folder.
    ///   - overrides: `key.path=value` strings from `--set`, applied in order before checking.
    ///   - drawSeed: where the seed comes from when neither the file nor an override sets one.
    public static func load(
        file: String, overrides: [String] = [],
        drawSeed: () -> UInt64 = { UInt64.random(in: 0..<(1 << 32)) }
    ) throws -> ExperimentConfig {
        let root = try YAMLReader.read(file: file)
        if root == nil, overrides.isEmpty {
            throw ConfigError(
                SourceMark(origin: file), "",
                "expected an experiment (name, data, model, ...), found an empty file (no YAML document)")
        }
        let absolute =
            file.hasPrefix("/")
            ? file
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(file)
        let folder = ((absolute as NSString).standardizingPath as NSString).deletingLastPathComponent
        return try decode(
            root ?? .mapping([], mark: SourceMark(origin: file, line: 1, column: 1)),
            baseDirectory: folder, overrides: overrides, drawSeed: drawSeed)
    }

    /// Like `load(file:)` for YAML text; `origin` names it in errors, `baseDirectory` anchors paths.
    public static func parse(
        yaml: String, origin: String, baseDirectory: String, overrides: [String] = [],
        drawSeed: () -> UInt64 = { UInt64.random(in: 0..<(1 << 32)) }
    ) throws -> ExperimentConfig {
        let root = try YAMLReader.read(text: yaml, origin: origin)
        return try decode(
            root ?? .mapping([], mark: SourceMark(origin: origin, line: 1, column: 1)),
            baseDirectory: baseDirectory, overrides: overrides, drawSeed: drawSeed)
    }

    static func decode(
        _ root: YAMLNode, baseDirectory: String, overrides: [String],
        drawSeed: () -> UInt64
    ) throws -> ExperimentConfig {
        var root = root
        for option in overrides { root = try Override.parse(option).applied(to: root) }
        let decoder = ConfigDecoder(baseDirectory: baseDirectory)
        let config = decode(root, decoder, drawSeed: drawSeed)
        guard let config, decoder.diagnostics.isEmpty else { throw ConfigError(decoder.diagnostics) }
        // Every sweep point is checked against the schema now, before anything runs.
        if config.sweep != nil { _ = try config.expandSweep() }
        return config
    }

    /// Decodes the whole tree, reporting into `d`; nil when a section could not be decoded at all.
    static func decode(_ root: YAMLNode, _ d: ConfigDecoder, drawSeed: () -> UInt64) -> ExperimentConfig? {
        guard let pairs = root.pairs else {
            d.mismatch(root, "", expected: "a mapping of experiment keys (name, data, model, ...)")
            return nil
        }
        // An optional section with no value is absent: `optimizer:` is SGD, `seed: ~` draws a seed.
        let root = YAMLNode(
            .mapping(pairs.filter { !$0.value.isNull || ExperimentSchema.requiredSections.contains($0.key) }),
            mark: root.mark)
        let sectionKeys = ExperimentSchema.sections.filter { key in
            !ExperimentSchema.top.contains { $0.name == key }
        }
        let top = d.params(root, "", table: ExperimentSchema.top, extra: sectionKeys)
        func section(_ key: String) -> YAMLNode? { root[key] }
        func required(_ key: String, _ what: String) -> YAMLNode? {
            guard let node = section(key) else {
                d.report(root.mark, key, "missing required key '\(key)' (\(what))")
                return nil
            }
            return node
        }

        let data = required("data", "the datasets").flatMap { decodeData($0, d) }
        let augmentNode = section("augment")
        let augment =
            augmentNode.flatMap {
                decodeList(
                    $0, "augment", d, what: "augmentation",
                    tables: ExperimentSchema.augmentations)
            } ?? []
        let model = required("model", "the list of layers").flatMap { decodeModel($0, d) }
        let loss = decodeNamed(
            section("loss"), "loss", d, tables: ExperimentSchema.losses, defaultName: "cross_entropy"
        )
        .map { LossConfig(name: $0.0, params: $0.1) }
        let optimizer = decodeNamed(
            section("optimizer"), "optimizer", d, tables: ExperimentSchema.optimizers,
            defaultName: "sgd"
        ).map { OptimizerConfig(name: $0.0, params: $0.1) }
        if let optimizer, optimizer.params["nesterov"]?.bool == true,
            optimizer.params["momentum"]?.double == 0
        {
            let node = section("optimizer")?["nesterov"] ?? root
            d.report(
                node.mark, "optimizer.nesterov", "expected momentum > 0 with nesterov: true, found momentum 0"
            )
        }
        let schedule = decodeNamed(
            section("schedule"), "schedule", d, tables: ExperimentSchema.schedules,
            defaultName: "constant"
        ).map { ScheduleConfig(name: $0.0, params: $0.1) }
        if let schedule, let milestones = schedule.params.ints("milestones"),
            zip(milestones, milestones.dropFirst()).contains(where: { $0 >= $1 })
        {
            let node = section("schedule")?["milestones"] ?? root
            d.mismatch(node, "schedule.milestones", expected: "strictly increasing epochs")
        }
        // Cosine anneals from optimizer.lr down to min_lr; a floor above the start would climb
        // instead, and lr − min_lr cancels in float32 (1e8 gives a rate of 0 at every step).
        if let schedule, schedule.name == "cosine", let optimizer,
            let minLR = schedule.params["min_lr"]?.double, let lr = optimizer.params["lr"]?.double,
            minLR > lr
        {
            let node = section("schedule")?["min_lr"] ?? section("schedule") ?? root
            d.report(
                node.mark, "schedule.min_lr",
                "expected at most optimizer.lr (\(lr)), the rate cosine anneals from, found \(minLR)")
        }
        let trainingNode = section("training")
        let training = TrainingConfig(
            params: d.params(
                trainingNode ?? .mapping([], mark: root.mark),
                "training", table: ExperimentSchema.training),
            batchSizeMark: trainingNode?["batch_size"]?.mark ?? trainingNode?.mark ?? root.mark)
        let sweep = section("sweep").flatMap { SweepConfig.decode($0, d) }
        let sweepValues = section("sweep_values").map { decodeSweepValues($0, d) } ?? []

        if let name = top["name"]?.string, RunID.folderPart(name) == nil, let node = root["name"] {
            d.mismatch(
                node, "name",
                expected: "a name with at least one ASCII letter, digit or '_' (it names the run folder)")
        }
        guard let data, let model, let loss, let optimizer, let schedule,
            let name = top["name"]?.string, RunID.folderPart(name) != nil
        else { return nil }
        let seed = top["seed"]?.int.map { UInt64($0) } ?? drawSeed()
        return ExperimentConfig(
            name: name, description: top["description"]?.string, seed: seed, data: data,
            augment: augment.enumerated().map { i, entry in
                AugmentConfig(
                    name: entry.0, params: entry.1,
                    mark: augmentNode?.items?[i].mark ?? .generated)
            },
            model: model, loss: loss, optimizer: optimizer, schedule: schedule,
            training: training, sweep: sweep, sweepValues: sweepValues)
    }

    private static func decodeNamed(
        _ node: YAMLNode?, _ path: String, _ d: ConfigDecoder,
        tables: [(String, [KeySpec])], defaultName: String
    ) -> (String, Params)? {
        d.selected(
            node ?? .scalar(defaultName), path, selector: "name", tables: tables, defaultName: defaultName)
    }

    private static func decodeList(
        _ node: YAMLNode, _ path: String, _ d: ConfigDecoder, what: String,
        tables: [(String, [KeySpec])]
    ) -> [(String, Params)]? {
        if node.isNull { return [] }
        guard let items = node.items else {
            d.mismatch(node, path, expected: "a list of \(what)s")
            return nil
        }
        let decoded = items.enumerated().map { d.singleKey($1, "\(path)[\($0)]", what: what, tables: tables) }
        return decoded.contains { $0 == nil } ? nil : decoded.compactMap { $0 }
    }

    private static func decodeModel(_ node: YAMLNode, _ d: ConfigDecoder) -> [LayerConfig]? {
        guard let list = decodeList(node, "model", d, what: "layer", tables: ExperimentSchema.layers) else {
            return nil
        }
        if list.isEmpty {
            d.mismatch(node, "model", expected: "a non-empty list of layers")
            return nil
        }
        let items = node.items ?? []
        return list.enumerated().map { i, entry in
            var (name, params) = entry
            // A subsample's stride defaults to its size (non-overlapping windows).
            if name == "subsample", params["stride"] == nil, let size = params["size"] {
                params = Params(
                    params.entries.flatMap { $0.key == "padding" ? [("stride", size), $0] : [$0] })
            }
            if name == "conv", let table = params["table"]?.list, let filters = params["filters"]?.int,
                table.count != filters
            {
                let tableNode = items[i].pairs?.first?.value["table"] ?? items[i]
                d.report(
                    tableNode.mark, "model[\(i)].conv.table",
                    "expected one row per filter (\(filters) rows), found \(table.count) rows")
            }
            if name == "subsample", params["kind"]?.string == "lecun", let padding = params["padding"]?.int,
                padding != 0
            {
                let paddingNode = items[i].pairs?.first?.value["padding"] ?? items[i]
                d.report(
                    paddingNode.mark, "model[\(i)].subsample.padding",
                    "expected 0 for kind: lecun (LeCun subsampling has no padding), found \(padding)")
            }
            return LayerConfig(name: name, params: params, mark: items[i].mark)
        }
    }

    private static func decodeData(_ node: YAMLNode, _ d: ConfigDecoder) -> DataConfig? {
        let params = d.params(
            node, "data", table: ExperimentSchema.data, extra: ["train", "test", "normalize"])
        guard node.pairs != nil || node.isNull else { return nil }
        // `test:` or `normalize:` with no value is absent, like an optional section.
        func present(_ key: String) -> YAMLNode? { node[key].flatMap { $0.isNull ? nil : $0 } }
        func source(_ key: String) -> DataSource? {
            guard let sourceNode = present(key) else { return nil }
            return d.selected(
                sourceNode, "data.\(key)", selector: "format", tables: ExperimentSchema.dataSources,
                allowBare: false
            ).map { DataSource(format: $0.0, params: $0.1) }
        }
        guard node["train"] != nil else {
            d.report(
                node.mark, "data.train",
                "missing required key 'train' ({format: idx, images: ..., labels: ...} "
                    + "or {format: folder, path: ...})")
            return nil
        }
        let train = source("train")
        let test = source("test")
        let channels = params["channels"]?.int ?? 1
        if params["resize"] != nil, train?.format != "folder", test?.format != "folder",
            let resizeNode = node["resize"]
        {
            d.report(
                resizeNode.mark, "data.resize", "expected a folder dataset to resize, found only idx datasets"
            )
        }
        var normalize: NormalizeConfig?
        if let normNode = present("normalize") {
            let n = d.params(normNode, "data.normalize", table: ExperimentSchema.normalize)
            func values(_ key: String) -> [Double]? {
                guard let v = n[key] else { return nil }
                let list = v.list?.compactMap(\.double) ?? v.double.map { [$0] } ?? []
                if list.count != 1 && list.count != channels, let keyNode = normNode[key] {
                    let expected =
                        channels == 1
                        ? "1 value (data.channels is 1)" : "1 or \(channels) values (one per channel)"
                    d.report(
                        keyNode.mark, "data.normalize.\(key)",
                        "expected \(expected), found \(list.count): \(ConfigDecoder.describe(keyNode))")
                }
                return list
            }
            if let mean = values("mean"), let std = values("std") {
                normalize = NormalizeConfig(mean: mean, std: std)
                // A [0, 1] pixel becomes (x − mean) / std: keep that well inside float32.
                let limit = ExperimentSchema.maxNormalized
                if !mean.isEmpty, !std.isEmpty,
                    let worst = (0..<max(mean.count, std.count)).map({ c in
                        (abs(mean[min(c, mean.count - 1)]) + 1) / std[min(c, std.count - 1)]
                    }).max(), !(worst <= limit), let meanNode = normNode["mean"]
                {
                    d.report(
                        meanNode.mark, "data.normalize",
                        "expected (|mean| + 1) / std, the largest normalised [0, 1] pixel, at most 1e+30, "
                            + "found \(worst) (mean \(ConfigDecoder.describe(meanNode)), std "
                            + "\(normNode["std"].map(ConfigDecoder.describe) ?? "?"))")
                }
            }
        }
        guard let train, present("test") == nil || test != nil else { return nil }
        return DataConfig(
            train: train, test: test, channels: channels, resize: params.ints("resize"),
            validation: params["validation"]?.double ?? 0, normalize: normalize,
            marks: Dictionary(
                uniqueKeysWithValues: ["train", "test", "validation"].compactMap { key in
                    node[key].map { (key, $0.mark) }
                }))
    }

    private static func decodeSweepValues(_ node: YAMLNode, _ d: ConfigDecoder) -> [SweepValue] {
        guard let pairs = d.mapping(node, "sweep_values") else { return [] }
        return pairs.compactMap { pair in
            guard case .scalar(let text, _) = pair.value.content else {
                d.mismatch(pair.value, "sweep_values.\(pair.key)", expected: "a scalar")
                return nil
            }
            return SweepValue(key: pair.key, value: text)
        }
    }
}
