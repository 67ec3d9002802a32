import Foundation
import WorkbenchData
import WorkbenchModel
import WorkbenchRandom

extension TrainingSetup {
    /// Builds the setup an experiment config describes, checking data and shapes first:
    /// - the training set, split by `data.validation` (`ExperimentConfig.splitValidation`), which
    ///   must leave at least one validation sample (when the fraction is not 0) and at least one
    ///   training batch (`checkSplit`);
    /// - the test set, its labels numbered by the training classes (`numberedLikeTraining`);
    /// - the training stream (shuffle by (seed, epoch), augmentation by (seed, epoch, sample) —
    ///   see `BatchStream`), validation and test streams without random augmentation, centre-cropped
    ///   to the size of every `random_crop` (`ExperimentConfig.makeEvaluationResize`);
    /// - the network initialised from the seed (`seed.derived(initialisation, layer)`), the trainer
    ///   (dropout by (seed, step, chunk)), the loss, optimizer and schedule.
    public static func make(_ config: ExperimentConfig) throws -> TrainingSetup {
        let root = SplitMix64(seed: config.seed)
        let training = config.training
        let full = try config.makeTrainDataset()
        let (trainSet, validationSet) = config.splitValidation(full)
        try checkSplit(
            full: full.count, train: trainSet.count, validation: validationSet?.count ?? 0, config: config)
        let testSet = try config.makeTestDataset().map {
            try numberedLikeTraining($0, train: full, config: config)
        }
        let network = try config.checkedNetwork(
            train: full, test: testSet, split: (trainSet.count, validationSet?.count ?? 0))
        let normalization = config.makeNormalization()
        let resize = config.makeEvaluationResize()
        let train = try BatchStream(
            dataset: trainSet, batchSize: training.batchSize, shuffle: true,
            dropLast: training.dropLast, augmentation: config.makeAugmentation(),
            normalization: normalization, seed: root, workers: training.workers)
        let validation = try validationSet.map {
            try BatchStream.evaluation(
                dataset: $0, batchSize: training.batchSize, normalization: normalization,
                resize: resize, workers: training.workers)
        }
        let test = try testSet.map {
            try BatchStream.evaluation(
                dataset: $0, batchSize: training.batchSize, normalization: normalization,
                resize: resize, workers: training.workers)
        }
        let trainer = Trainer(
            network: network, threads: training.threads, chunkSize: training.chunk, random: root)
        trainer.maxGradientNorm = config.optimizer.clipNorm
        let model = NetworkModel(trainer: trainer, loss: config.makeLoss(), optimizer: config.makeOptimizer())
        let plan = TrainingPlan(
            epochs: training.epochs, train: train, validation: validation, test: test,
            schedule: config.makeSchedule())
        return TrainingSetup(
            plan: plan, model: model, dataFiles: dataFiles(of: config), threads: training.threads)
    }
}
