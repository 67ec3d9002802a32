import Foundation
import WorkbenchData

/// Checks of the opened data that a config alone cannot make, run by `TrainingSetup.make` before
/// anything trains: the test set's classes against the training set's, and a split that leaves
/// something to train and validate on.
extension TrainingSetup {
    /// The test set with its labels numbered as the training set numbers its classes.
    ///
    /// - Two image folders: classes match by folder name. A test folder with fewer classes is
    ///   renumbered (test {a, c} against training {a, b, c}: "c" is label 2); a test class that is
    ///   not a training class is a `ConfigError` on `data.test` naming both folders and both class lists.
    /// - IDX and an image folder: IDX labels are numbers, so the folder's class names must be label
    ///   numbers ("3" or "03", as `data export-png` writes them) and match by value.
    /// - Two IDX sets: labels are the same numbers on both sides; nothing to match.
    static func numberedLikeTraining(
        _ test: any Dataset, train: any Dataset, config: ExperimentConfig
    ) throws -> any Dataset {
        let trainIsFolder = train is ImageFolderDataset
        let testIsFolder = test is ImageFolderDataset
        guard trainIsFolder || testIsFolder else { return test }
        let byNumber = trainIsFolder != testIsFolder
        let trainWhere = describe(config.data.train, key: "data.train")
        let testWhere = describe(config.data.test!, key: "data.test")
        func mark(_ key: String) -> SourceMark { config.dataMark(key) }
        func list(_ names: [String]) -> String { names.joined(separator: ", ") }
        /// Matching key of a class name: the name, or its number when matching by number.
        func key(_ name: String) -> String? { byNumber ? Int(name).map(String.init) : name }
        if byNumber {
            let (folder, place, key) =
                trainIsFolder ? (train, trainWhere, "data.train") : (test, testWhere, "data.test")
            let named = folder.classNames.filter { Int($0) == nil || $0.hasPrefix("-") || $0.hasPrefix("+") }
            if !named.isEmpty {
                throw ConfigError(
                    mark(String(key.dropFirst(5))), key,
                    "\(place) has class folders \(list(named)) that are not label numbers; the other set is "
                        + "IDX, whose labels are numbers, so expected class folders named by label number "
                        + "(as `workbench data export-png` writes them) to match them by")
            }
        }
        var trainLabel: [String: Int] = [:]
        for (label, name) in train.classNames.enumerated() {
            if let other = trainLabel.updateValue(label, forKey: key(name)!) {
                throw ConfigError(
                    mark("train"), "data.train",
                    "\(trainWhere) has classes '\(train.classNames[other])' and '\(name)', which are the "
                        + "same label number; expected one class folder per label")
            }
        }
        if byNumber && testIsFolder {
            var testLabel: [String: String] = [:]
            for name in test.classNames {
                if let other = testLabel.updateValue(name, forKey: key(name)!) {
                    throw ConfigError(
                        mark("test"), "data.test",
                        "\(testWhere) has classes '\(other)' and '\(name)', which are the same label number; "
                            + "expected one class folder per label")
                }
            }
        }
        let occurring: Set<Int> =
            (test as? IDXDataset).map { Set($0.labels.bytes.map(Int.init)) }
            ?? Set(test.classNames.indices)
        var map = [Int?](repeating: nil, count: test.classNames.count)
        var unknown: [String] = []
        for label in occurring.sorted() {
            let name = test.classNames[label]
            if let trained = trainLabel[key(name)!] { map[label] = trained } else { unknown.append(name) }
        }
        if !unknown.isEmpty {
            let testNames = occurring.sorted().map { test.classNames[$0] }
            throw ConfigError(
                mark("test"), "data.test",
                "test class\(unknown.count == 1 ? "" : "es") \(list(unknown)) of \(testWhere) "
                    + "\(unknown.count == 1 ? "is" : "are") not among the training classes; expected every "
                    + "test class to be a training class (matched by "
                    + "\(byNumber ? "label number" : "folder name")), found training classes "
                    + "\(list(train.classNames)) in \(trainWhere) and test classes \(list(testNames))")
        }
        if map == test.classNames.indices.map(Optional.some)
            && test.classNames.count == train.classNames.count
        {
            return test
        }
        func relabel<D: Dataset>(_ d: D) -> any Dataset {
            RelabelledDataset(d, labelMap: map, classNames: train.classNames)
        }
        return relabel(test)
    }

    /// Throws a `ConfigError` naming the keys and the numbers when the validation split holds out no
    /// sample although `data.validation` > 0, leaves nothing to train on, or leaves fewer training
    /// samples than one batch with `drop_last` (so an epoch would have no batch at all).
    static func checkSplit(
        full: Int, train: Int, validation: Int, config: ExperimentConfig
    ) throws {
        let mark = config.dataMark("validation")
        let fraction = config.data.validation
        let total = "the \(full) images of \(describe(config.data.train, key: "data.train", images: true))"
        let n = Double(full)
        if fraction > 0 && validation == 0 {
            throw ConfigError(
                mark, "data.validation",
                "\(fraction) of \(total) is \(String(format: "%g", fraction * n)), which rounds to 0 "
                    + "validation images; expected a fraction that holds out at least 1 image (at least "
                    + "0.5/\(full), i.e. \(validationBound(full: full, lowest: true)) or more here), or 0 for no "
                    + "validation split")
        }
        if train == 0 {
            throw ConfigError(
                mark, "data.validation",
                "\(fraction) of \(total) holds out \(validation) for validation, leaving 0 to train on; "
                    + "expected a fraction that leaves at least 1 training image (below "
                    + "\(full - 1).5/\(full), i.e. \(validationBound(full: full, lowest: false)) or less here)"
            )
        }
        let batch = config.training.batchSize
        if config.training.dropLast && train < batch {
            let split =
                validation > 0
                ? "\(train) images (\(full) minus \(validation) held out by data.validation: \(fraction))"
                : "\(train) images"
            throw ConfigError(
                config.training.batchSizeMark, "training.batch_size",
                "\(batch) with training.drop_last: true gives 0 training batches per epoch: the training "
                    + "split has \(split); expected batch_size at most \(train), or drop_last: false")
        }
    }

    /// Validation images `TrainValidationSplit` holds out of `full` for `fraction`: the same rounding.
    static func heldOut(_ fraction: Double, of full: Int) -> Int { Int((fraction * Double(full)).rounded()) }

    /// The smallest fraction, written with at most 6 significant digits, that holds out at least one
    /// image (`lowest`), or the largest that leaves at least one to train on; accepted by the split's
    /// own rounding, so the number in the message is one the check accepts.
    static func validationBound(full: Int, lowest: Bool) -> String {
        let n = Double(full)
        let exact = lowest ? 0.5 / n : (n - 0.5) / n
        func ok(_ f: Double) -> Bool {
            lowest ? heldOut(f, of: full) >= 1 : f < 1 && heldOut(f, of: full) <= full - 1
        }
        let digits = 6
        let scale = pow(10, Double(digits - 1) - floor(log10(exact)))
        var candidate = lowest ? (exact * scale).rounded(.up) : (exact * scale).rounded(.down)
        while !ok(candidate / scale) { candidate += lowest ? 1 : -1 }
        return String(format: "%.\(digits)g", candidate / scale)
    }

    /// `folder PATH (data.test)` or `IDX file PATH (data.test.labels)`, for messages: an IDX source
    /// is named by its labels file, or by its images file when `images` is set.
    private static func describe(_ source: DataSource, key: String, images: Bool = false) -> String {
        if source.format == "folder" { return "folder \(source.path!) (\(key))" }
        return images
            ? "IDX file \(source.images!) (\(key).images)" : "IDX file \(source.labels!) (\(key).labels)"
    }
}
