import WorkbenchModel

/// The experiment-file schema as data: every key of every section with its type, default and range.
/// docs/experiment-file.md documents these same tables; the decoder checks against them.
public enum ExperimentSchema {
    // Upper limits of the integer keys. They are far above any LeNet-style network and keep every
    // shape, size and step count well inside Int, so a typo is a clear error rather than a trap.
    /// Feature maps of a conv layer and units of a dense layer.
    public static let maxMaps = 65_536
    /// Kernel, window, stride and padding sides.
    public static let maxWindow = 1_024
    /// Image sides (resize, crop).
    public static let maxSide = 4_096
    /// Epochs, warm-up epochs, decay periods and milestones.
    public static let maxEpochs = 1_000_000
    /// Samples per batch.
    public static let maxBatch = 1_048_576
    /// Samples per chunk (work unit).
    public static let maxChunk = 4_096
    /// Compute and loader threads.
    public static let maxThreads = 256
    /// Children of a random sweep.
    public static let maxSweepCount = 100_000
    // Upper limits of number keys whose values become sizes.
    /// Elastic smoothing sigma, in pixels: the kernel has 3·sigma + 1 weights (at most 3073).
    public static let maxSigma = 1_024.0
    /// Erasing aspect ratios lie in [1/maxAspect, maxAspect].
    public static let maxAspect = 1_000.0

    private static func upTo(_ n: Int, from low: Double = 1) -> Bound { Bound(min: low, max: Double(n)) }

    /// Top-level scalar keys (sections are decoded by their own tables).
    public static let top: [KeySpec] = [
        KeySpec(
            "name", .string, .required,
            "Experiment name, recorded with every run and part of its folder name: it needs an ASCII letter, "
                + "digit or '_' (other characters become '-' there)."),
        KeySpec("description", .string, .optional, "Free text."),
        KeySpec(
            "seed", .int(.nonNegative), .derived("drawn at load and recorded"),
            "Root seed of every random stream (init, shuffle, split, augmentation, dropout, sweep); "
                + "at most 2^63 − 1 = 9223372036854775807."),
    ]

    public static let sections = [
        "name", "description", "seed", "data", "augment", "model", "loss",
        "optimizer", "schedule", "training", "sweep", "sweep_values",
    ]
    /// Sections that must be given; every other one written with no value (`optimizer:`, `~`, `null`)
    /// is the same as leaving it out.
    public static let requiredSections = ["name", "data", "model"]

    public static let data: [KeySpec] = [
        KeySpec(
            "channels", .intChoice([1, 3]), .value(.int(1)),
            "Image channels: 1 (grey) or 3 (RGB). Folder images are converted to it, so colour PNGs "
                + "become grey unless this is 3 (the experiment default is 1, unlike ImageFolderDataset's "
                + "own default, see data-formats.md); IDX files must already have it."),
        KeySpec(
            "resize", .ints(upTo(maxSide), count: 2), .optional,
            "[height, width]: folder images are resized (bilinear) instead of rejected when sizes differ."),
        KeySpec(
            "validation", .double(.fraction), .value(.double(0)),
            "Fraction of the training set held out for validation, chosen by the seed."),
    ]

    public static let dataSources: [(String, [KeySpec])] = [
        (
            "idx",
            [
                KeySpec("images", .path, .required, "IDX image file (optionally .gz)."),
                KeySpec("labels", .path, .required, "IDX label file (optionally .gz)."),
            ]
        ),
        (
            "folder",
            [
                KeySpec("path", .path, .required, "Folder with one sub-folder of PNG images per class.")
            ]
        ),
    ]

    /// Smallest `data.normalize.std`: far below it (float32 subnormals such as 1e-39) 1/std
    /// overflows and the normalised inputs become ±inf; at 1e-7 a [0, 1] pixel normalises to at most
    /// about 1e7·(1 + |mean|). (1e-7 as a float32 is just above 1e-7, so the bound itself is accepted.)
    public static let minStd = 1e-7

    /// Largest (|mean| + 1) / std allowed, so normalised [0, 1] pixels stay far inside float32
    /// (3.4e38) through the layers.
    public static let maxNormalized = 1e30

    public static let normalize: [KeySpec] = [
        KeySpec(
            "mean", .doubleOrList(.any), .required,
            "Subtracted from every pixel (one value or one per channel)."),
        KeySpec(
            "std", .doubleOrList(Bound(min: minStd)), .required,
            "Pixels are divided by it after the mean is subtracted; at least 1e-7, so that 1/std and the "
                + "normalised pixels stay finite float32 numbers."),
    ]

    /// WorkbenchModel's initialiser table, so the names can never drift apart.
    private static let initialisers = WeightInitializers.names

    public static let augmentations: [(String, [KeySpec])] = [
        (
            "random_crop",
            [
                KeySpec(
                    "size", .int(upTo(maxSide)), .required,
                    "Side of the square crop; validation and test images are centre-cropped (or centre-padded) to it."
                ),
                KeySpec(
                    "padding", .int(upTo(maxWindow, from: 0)), .value(.int(0)),
                    "Border added on each side before cropping."),
                KeySpec("fill", .double(.any), .value(.double(0)), "Value of the padded border."),
            ]
        ),
        (
            "hflip",
            [KeySpec("p", .double(.probability), .value(.double(0.5)), "Probability of a left-right flip.")]
        ),
        (
            "vflip",
            [KeySpec("p", .double(.probability), .value(.double(0.5)), "Probability of an up-down flip.")]
        ),
        (
            "affine",
            [
                KeySpec(
                    "degrees", .double(Bound(min: 0, max: 360)), .value(.double(0)),
                    "Rotation drawn from [-degrees, degrees]."),
                KeySpec(
                    "translate", .double(Bound(min: 0, max: 1)), .value(.double(0)),
                    "Shift drawn from [-t, t] times the image size, per axis."),
                KeySpec(
                    "scale", .doubles(.positive, count: 2, ordered: true),
                    .value(.list([.double(1), .double(1)])),
                    "[low, high] zoom factor range."),
                KeySpec(
                    "shear", .double(Bound(min: 0, max: 90, maxInclusive: false)), .value(.double(0)),
                    "Shear angle drawn from [-shear, shear] degrees."),
                KeySpec(
                    "fill", .double(.any), .value(.double(0)),
                    "Value of pixels mapped from outside the image."),
            ]
        ),
        (
            "elastic",
            [
                KeySpec(
                    "alpha", .double(Bound(min: 0, max: Double(maxSide))), .value(.double(34)),
                    "Displacement scale in pixels (Simard et al. 2003); at most the largest image side."),
                KeySpec(
                    "sigma", .double(Bound(min: 0, minInclusive: false, max: maxSigma)), .value(.double(4)),
                    "Gaussian smoothing of the displacement field, in pixels; its kernel reaches 3·sigma."),
                KeySpec(
                    "fill", .double(.any), .value(.double(0)),
                    "Value of pixels mapped from outside the image."),
            ]
        ),
        (
            "noise",
            [
                KeySpec(
                    "std", .double(.nonNegative), .value(.double(0.05)),
                    "Standard deviation of added Gaussian noise.")
            ]
        ),
        (
            "erase",
            [
                KeySpec(
                    "p", .double(.probability), .value(.double(0.5)),
                    "Probability of erasing one rectangle."),
                KeySpec(
                    "area", .doubles(Bound(min: 0, minInclusive: false, max: 1), count: 2, ordered: true),
                    .value(.list([.double(0.02), .double(0.33)])), "[low, high] fraction of the image area."),
                KeySpec(
                    "aspect", .doubles(Bound(min: 1 / maxAspect, max: maxAspect), count: 2, ordered: true),
                    .value(.list([.double(0.3), .double(3.3)])),
                    "[low, high] aspect ratio (drawn log-uniformly)."),
                KeySpec("value", .double(.any), .value(.double(0)), "Fill value of the erased rectangle."),
            ]
        ),
        (
            "color",
            [
                KeySpec(
                    "brightness", .double(.nonNegative), .value(.double(0)),
                    "Brightness factor drawn from [1-b, 1+b]."),
                KeySpec(
                    "contrast", .double(.nonNegative), .value(.double(0)),
                    "Contrast factor drawn from [1-c, 1+c]."),
            ]
        ),
    ]

    public static let layers: [(String, [KeySpec])] = [
        (
            "conv",
            [
                KeySpec("filters", .int(upTo(maxMaps)), .required, "Output feature maps."),
                KeySpec("kernel", .int(upTo(maxWindow)), .required, "Side of the square kernel."),
                KeySpec("stride", .int(upTo(maxWindow)), .value(.int(1)), "Step between windows."),
                KeySpec(
                    "padding", .int(upTo(maxWindow, from: 0)), .value(.int(0)),
                    "Zero border added on each side."),
                KeySpec("bias", .bool, .value(.bool(true)), "Learn one bias per output map."),
                KeySpec("init", .choice(initialisers), .value(.string("he_uniform")), "Weight initialiser."),
                KeySpec(
                    "table", .intTable(Bound(min: 0, max: Double(maxMaps - 1))), .optional,
                    "Connection table: for each output map, the input maps it sees (LeCun et al. 1998, C3)."),
            ]
        ),
        (
            "subsample",
            [
                KeySpec(
                    "kind", .choice(["max", "avg", "lecun"]), .value(.string("max")),
                    "max or avg pooling, or LeCun et al. 1998 trainable subsampling (sum × weight + bias)."),
                KeySpec("size", .int(upTo(maxWindow)), .value(.int(2)), "Side of the square window."),
                KeySpec("stride", .int(upTo(maxWindow)), .derived("size"), "Step between windows."),
                KeySpec(
                    "padding", .int(upTo(maxWindow, from: 0)), .value(.int(0)), "Border added on each side."),
            ]
        ),
        (
            "dense",
            [
                KeySpec("units", .int(upTo(maxMaps)), .required, "Output features."),
                KeySpec("bias", .bool, .value(.bool(true)), "Learn one bias per unit."),
                KeySpec("init", .choice(initialisers), .value(.string("he_uniform")), "Weight initialiser."),
            ]
        ),
        ("relu", []), ("tanh", []), ("sigmoid", []),
        ("scaled_tanh", []),  // 1.7159 tanh(2x/3), LeCun et al. 1998
        ("flatten", []), ("global_avg", []),
        (
            "leaky_relu",
            [KeySpec("slope", .double(.fraction), .value(.double(0.01)), "Slope for negative inputs.")]
        ),
        (
            "elu",
            [
                KeySpec(
                    "alpha", .double(.positive), .value(.double(1)), "Saturation value for negative inputs.")
            ]
        ),
        (
            "dropout",
            [KeySpec("p", .double(.fraction), .value(.double(0.5)), "Probability of zeroing an activation.")]
        ),
        (
            "batchnorm",
            [
                KeySpec(
                    "momentum", .double(.probability), .value(.double(0.1)),
                    "Weight of the new batch in running statistics."),
                KeySpec("eps", .double(.positive), .value(.double(1e-5)), "Added to the variance."),
            ]
        ),
    ]

    public static let losses: [(String, [KeySpec])] = [
        (
            "cross_entropy",
            [
                KeySpec(
                    "label_smoothing", .double(.fraction), .value(.double(0)),
                    "Mass moved uniformly from the true class to all classes.")
            ]
        ),
        ("mse", []),
        ("nll", []),
    ]

    private static func common(lr: Double, weightDecay: Double) -> [KeySpec] {
        [
            KeySpec("lr", .double(.positive), .value(.double(lr)), "Base learning rate."),
            KeySpec(
                "weight_decay", .double(.nonNegative), .value(.double(weightDecay)),
                "L2 penalty (decoupled for adamw)."),
            KeySpec(
                "clip_norm", .double(.positive), .optional, "Clip the global gradient norm to this value."),
        ]
    }

    private static let betas = KeySpec(
        "betas", .doubles(.fraction, count: 2, ordered: false),
        .value(.list([.double(0.9), .double(0.999)])), "Moment decay rates (Kingma & Ba 2015).")
    private static let eps = KeySpec(
        "eps", .double(.positive), .value(.double(1e-8)), "Added to the denominator.")

    public static let optimizers: [(String, [KeySpec])] = [
        (
            "sgd",
            common(lr: 0.01, weightDecay: 0) + [
                KeySpec("momentum", .double(.fraction), .value(.double(0)), "Heavy-ball momentum."),
                KeySpec("nesterov", .bool, .value(.bool(false)), "Nesterov momentum (needs momentum > 0)."),
            ]
        ),
        ("adam", common(lr: 0.001, weightDecay: 0) + [betas, eps]),
        ("adamw", common(lr: 0.001, weightDecay: 0.01) + [betas, eps]),
        (
            "rmsprop",
            common(lr: 0.01, weightDecay: 0) + [
                KeySpec(
                    "alpha", .double(.fraction), .value(.double(0.99)),
                    "Decay of the squared-gradient average."),
                eps,
                KeySpec("momentum", .double(.fraction), .value(.double(0)), "Momentum."),
            ]
        ),
    ]

    private static let warmup = KeySpec(
        "warmup", .int(upTo(maxEpochs, from: 0)), .value(.int(0)),
        "Epochs of linear warm-up: the rate rises linearly, step by step, from 1/3 of the scheduled "
            + "rate to the full rate (Goyal et al. 2017; PyTorch LinearLR's default start factor).")

    public static let schedules: [(String, [KeySpec])] = [
        ("constant", [warmup]),
        (
            "step",
            [
                KeySpec("every", .int(upTo(maxEpochs)), .required, "Epochs between decays."),
                KeySpec("gamma", .double(.positive), .value(.double(0.1)), "Factor applied at each decay."),
                warmup,
            ]
        ),
        (
            "multistep",
            [
                KeySpec(
                    "milestones", .ints(upTo(maxEpochs), count: nil), .required,
                    "Epochs at which the rate decays."),
                KeySpec(
                    "gamma", .double(.positive), .value(.double(0.1)), "Factor applied at each milestone."),
                warmup,
            ]
        ),
        (
            "exponential",
            [KeySpec("gamma", .double(.positive), .required, "Factor applied every epoch."), warmup]
        ),
        (
            "cosine",
            [
                KeySpec(
                    "min_lr", .double(.nonNegative), .value(.double(0)),
                    "Rate at the last step; at most optimizer.lr."),
                warmup,
            ]
        ),
        (
            "onecycle",
            [
                KeySpec("max_lr", .double(.positive), .required, "Peak rate (Smith & Topin 2019)."),
                KeySpec(
                    "pct_start", .double(Bound(min: 0, minInclusive: false, max: 1, maxInclusive: false)),
                    .value(.double(0.3)), "Fraction of steps spent rising."),
                warmup,
            ]
        ),
    ]

    public static let training: [KeySpec] = [
        KeySpec("epochs", .int(upTo(maxEpochs)), .value(.int(10)), "Passes over the training set."),
        KeySpec("batch_size", .int(upTo(maxBatch)), .value(.int(64)), "Samples per optimizer step."),
        KeySpec(
            "threads", .int(upTo(maxThreads)), .value(.int(1)),
            "Threads computing one batch (results do not depend on it); at most one per processor is "
                + "started, and between steps an idle one spins for up to 0.5 ms instead of sleeping."),
        KeySpec(
            "workers", .int(upTo(maxThreads, from: 0)), .value(.int(2)),
            "Threads loading and augmenting samples; 0 = inline."),
        KeySpec("drop_last", .bool, .value(.bool(false)), "Drop the last incomplete batch of each epoch."),
        KeySpec(
            "chunk", .int(upTo(maxChunk)), .value(.int(16)),
            "Samples per work unit; gradients are summed in a fixed chunk order, so results do not "
                + "depend on threads."),
    ]

    public static let sweepRandom: [KeySpec] = [
        KeySpec("count", .int(upTo(maxSweepCount)), .required, "Children to draw.")
    ]

    public static let sweepRange: [KeySpec] = [
        KeySpec("min", .double(.any), .required, "Lower end."),
        KeySpec("max", .double(.any), .required, "Upper end."),
        KeySpec("log", .bool, .value(.bool(false)), "Draw log-uniformly (needs min > 0)."),
    ]
}
