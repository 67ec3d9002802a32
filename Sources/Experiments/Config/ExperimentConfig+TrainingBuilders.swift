import WorkbenchModel

extension OptimizerConfig {
    /// The optimizer this section names, with its hyper-parameters (the rate comes from the schedule).
    public func makeOptimizer() -> any Optimizer {
        let p = params
        func f(_ key: String) -> Float { Float(p.double(key)) }
        switch name {
        case "sgd":
            return SGD(momentum: f("momentum"), nesterov: p.bool("nesterov"), weightDecay: f("weight_decay"))
        case "adam", "adamw":
            let betas = p.doubles("betas") ?? [0.9, 0.999]
            let (b1, b2) = (Float(betas[0]), Float(betas[1]))
            return name == "adam"
                ? Adam(beta1: b1, beta2: b2, epsilon: f("eps"), weightDecay: f("weight_decay"))
                : AdamW(beta1: b1, beta2: b2, epsilon: f("eps"), weightDecay: f("weight_decay"))
        case "rmsprop":
            return RMSprop(
                alpha: f("alpha"), epsilon: f("eps"), momentum: f("momentum"), weightDecay: f("weight_decay"))
        default:
            preconditionFailure("optimizer '\(name)' passed validation but has no builder")
        }
    }

    /// The global gradient-norm limit (`clipGradientNorm`), or nil for no clipping.
    public var clipNorm: Float? { params["clip_norm"]?.double.map(Float.init) }
}

extension LossConfig {
    /// The loss this section names.
    public func makeLoss() -> any Loss {
        switch name {
        case "cross_entropy":
            return SoftmaxCrossEntropy(labelSmoothing: Float(params.double("label_smoothing")))
        case "mse": return MeanSquaredError()
        case "nll": return NegativeLogLikelihood()
        default: preconditionFailure("loss '\(name)' passed validation but has no builder")
        }
    }
}

extension ScheduleConfig {
    /// The learning-rate schedule for a base rate `lr` over `epochs` epochs; `warmup` > 0 wraps it in
    /// a linear warm-up over that many epochs (PyTorch `LinearLR`, starting at 1/3 of the rate).
    public func makeSchedule(lr: Double, epochs: Int) -> any LearningRateSchedule {
        let base = Float(lr)
        let length = ScheduleLength.epochs(epochs)
        let schedule: any LearningRateSchedule
        switch name {
        case "constant":
            schedule = ConstantSchedule(base)
        case "step":
            schedule = StepDecaySchedule(
                base: base, everyEpochs: params.int("every"), gamma: Float(params.double("gamma")))
        case "multistep":
            schedule = MultiStepSchedule(
                base: base, milestones: params.ints("milestones") ?? [],
                gamma: Float(params.double("gamma")))
        case "exponential":
            schedule = ExponentialSchedule(base: base, gamma: Float(params.double("gamma")))
        case "cosine":
            schedule = CosineSchedule(base: base, minimum: Float(params.double("min_lr")), length: length)
        case "onecycle":
            schedule = OneCycleSchedule(
                maxRate: Float(params.double("max_lr")), length: length,
                pctStart: Float(params.double("pct_start")))
        default:
            preconditionFailure("schedule '\(name)' passed validation but has no builder")
        }
        // Starts at 1/3 of the rate, as docs/experiment-file.md says (PyTorch LinearLR's default).
        return warmup > 0
            ? LinearWarmupSchedule(length: .epochs(warmup), startFactor: 1.0 / 3, wrapping: schedule) : schedule
    }
}

extension ExperimentConfig {
    /// The optimizer section's optimizer.
    public func makeOptimizer() -> any Optimizer { optimizer.makeOptimizer() }

    /// The loss section's loss.
    public func makeLoss() -> any Loss { loss.makeLoss() }

    /// The schedule over `optimizer.lr` and `training.epochs`.
    public func makeSchedule() -> any LearningRateSchedule {
        schedule.makeSchedule(lr: optimizer.lr, epochs: training.epochs)
    }
}
