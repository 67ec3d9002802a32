extension ExperimentConfig {
    /// The children of the `sweep:` block, each an ordinary resolved config with the sweep removed,
    /// the same seed, and `sweepValues` noting what its point set. Errors in sweep values name the
    /// sweep key's line. A config without a sweep has no children.
    public func expandSweep() throws -> [ExperimentConfig] {
        guard let sweep else { return [] }
        var parent = self
        parent.sweep = nil
        let base = parent.resolvedNode()
        var children: [ExperimentConfig] = []
        var diagnostics: [Diagnostic] = []
        for point in sweep.points(seed: seed) {
            var tree = base
            var values: [SweepValue] = []
            for (dim, value) in zip(sweep.dimensions, point) {
                let path = dim.key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                let override = Override(path: path, value: value.node(mark: dim.mark(of: value)), mark: dim.mark)
                do {
                    tree = try override.applied(to: tree)
                } catch let error as ConfigError {
                    diagnostics += error.diagnostics
                }
                values.append(SweepValue(key: dim.key, value: value.description))
            }
            let decoder = ConfigDecoder(baseDirectory: "/")
            if var child = ExperimentConfig.decode(tree, decoder, drawSeed: { seed }),
                decoder.diagnostics.isEmpty
            {
                child.sweepValues = values
                children.append(child)
            } else {
                diagnostics += decoder.diagnostics
            }
        }
        if !diagnostics.isEmpty { throw ConfigError(diagnostics) }
        return children
    }
}
