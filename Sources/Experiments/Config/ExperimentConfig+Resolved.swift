extension ExperimentConfig {
    /// The resolved config as a YAML tree: every default explicit, the seed fixed, paths absolute.
    public func resolvedNode() -> YAMLNode {
        func pair(_ key: String, _ value: YAMLNode) -> YAMLPair { YAMLPair(key: key, value: value) }
        func named(_ selector: String, _ name: String, _ params: Params) -> YAMLNode {
            .mapping([pair(selector, .scalar(name, .quoted))] + (params.node().pairs ?? []))
        }
        /// Layers and augmentations keep their source marks, so sweep children still name file lines.
        func entry(_ name: String, _ params: Params, _ mark: SourceMark) -> YAMLNode {
            params.entries.isEmpty
                ? .scalar(name, .quoted, mark: mark) : .mapping([pair(name, params.node())], mark: mark)
        }
        var dataPairs = [pair("train", named("format", data.train.format, data.train.params))]
        if let test = data.test { dataPairs.append(pair("test", named("format", test.format, test.params))) }
        dataPairs.append(pair("channels", ConfigValue.int(data.channels).node()))
        if let resize = data.resize {
            dataPairs.append(pair("resize", ConfigValue.list(resize.map(ConfigValue.int)).node()))
        }
        dataPairs.append(pair("validation", ConfigValue.double(data.validation).node()))
        if let n = data.normalize {
            func values(_ v: [Double]) -> YAMLNode {
                v.count == 1
                    ? ConfigValue.double(v[0]).node() : ConfigValue.list(v.map(ConfigValue.double)).node()
            }
            dataPairs.append(
                pair("normalize", .mapping([pair("mean", values(n.mean)), pair("std", values(n.std))])))
        }

        var pairs = [pair("name", .scalar(name, .quoted))]
        if let description { pairs.append(pair("description", .scalar(description, .quoted))) }
        pairs += [
            pair("seed", .scalar(String(seed))),
            pair("data", .mapping(dataPairs)),
            pair("augment", .sequence(augment.map { entry($0.name, $0.params, $0.mark) })),
            pair("model", .sequence(model.map { entry($0.name, $0.params, $0.mark) })),
            pair("loss", named("name", loss.name, loss.params)),
            pair("optimizer", named("name", optimizer.name, optimizer.params)),
            pair("schedule", named("name", schedule.name, schedule.params)),
            pair("training", training.params.node()),
        ]
        if let sweep { pairs.append(pair("sweep", sweep.node())) }
        if !sweepValues.isEmpty {
            pairs.append(
                pair("sweep_values", .mapping(sweepValues.map { pair($0.key, .scalar($0.value, .plain)) })))
        }
        return .mapping(pairs)
    }

    /// The resolved config as YAML text (written to a run folder's config.yaml); reading it back
    /// with `load(file:)` gives an equal config.
    public var resolvedYAML: String {
        do {
            return try YAMLEmitter.emit(resolvedNode())
        } catch {
            preconditionFailure("libyaml failed to emit a resolved config: \(error)")
        }
    }

    /// Every leaf of the resolved config as (dotted key, value) in file order, for compare and diff:
    /// `optimizer.lr`, `model.0.conv.filters`, `augment.1.affine.degrees`, `model.1` (a bare layer).
    /// Lists of plain values stay one leaf (`optimizer.betas` → `[0.9, 0.999]`).
    public func flattened() -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        func walk(_ node: YAMLNode, _ path: String) {
            switch node.content {
            case .scalar(let text, _):
                out.append((path, text))
            case .sequence(let items):
                if node.isScalarOrFlatList || node.isFlatTable {
                    out.append((path, SweepConfig.configValue(node)?.description ?? "[]"))
                } else {
                    for (i, item) in items.enumerated() { walk(item, "\(path).\(i)") }
                }
            case .mapping(let pairs):
                if pairs.isEmpty { out.append((path, "{}")) }
                for p in pairs { walk(p.value, path.isEmpty ? p.key : "\(path).\(p.key)") }
            }
        }
        walk(resolvedNode(), "")
        return out
    }
}

extension SweepConfig {
    /// The sweep block as written in a resolved config.
    func node() -> YAMLNode {
        let dims = dimensions.map { dim -> YAMLPair in
            switch dim.domain {
            case .values(let values):
                return YAMLPair(key: dim.key, value: ConfigValue.list(values).node())
            case .range(let lo, let hi, let log, let integer):
                let ends: [ConfigValue] =
                    integer ? [.int(Int(lo)), .int(Int(hi))] : [.double(lo), .double(hi)]
                return YAMLPair(
                    key: dim.key,
                    value: .mapping([
                        YAMLPair(key: "min", value: ends[0].node()),
                        YAMLPair(key: "max", value: ends[1].node()),
                        YAMLPair(key: "log", value: ConfigValue.bool(log).node()),
                    ]))
            }
        }
        switch strategy {
        case .grid:
            return .mapping([YAMLPair(key: "grid", value: .mapping(dims))])
        case .random(let count):
            return .mapping([
                YAMLPair(
                    key: "random",
                    value: .mapping([
                        YAMLPair(key: "count", value: ConfigValue.int(count).node()),
                        YAMLPair(key: "space", value: .mapping(dims)),
                    ]))
            ])
        }
    }
}
