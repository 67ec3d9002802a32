import Foundation

/// The two ways `workbench bench --experiment` prints an `ExperimentBenchmark.Result`: a table for
/// people and one JSON line (snake_case keys, as the reference-model bench's) for scripts.
extension ExperimentBenchmark.Result: Encodable {
    enum CodingKeys: String, CodingKey {
        case experiment, threads, workers, batch
        case setupSeconds = "setup_s"
        case setupCPUSeconds = "setup_cpu_s"
        /// null for folder datasets.
        case trainLoadSeconds = "train_load_s"
        case trainLoadCPUSeconds = "train_load_cpu_s"
        case trainSplitImages = "train_split_images"
        case epochBatches = "epoch_batches"
        case streamImages = "stream_images"
        case streamSeconds = "stream_s"
        case streamCPUSeconds = "stream_cpu_s"
        case streamImagesPerSecond = "stream_img_s"
        case streamCPUMicrosecondsPerImage = "stream_cpu_us_per_image"
        case trainBatches = "train_batches"
        case trainImages = "train_images"
        case fedSeconds = "train_stream_s"
        case fedCPUSeconds = "train_stream_cpu_s"
        case fedImagesPerSecond = "train_stream_img_s"
        case fedLoss = "train_stream_loss"
        case memorySeconds = "train_memory_s"
        case memoryCPUSeconds = "train_memory_cpu_s"
        case memoryImagesPerSecond = "train_memory_img_s"
        case memoryLoss = "train_memory_loss"
        case streamPerTraining = "stream_per_train"
        case streamFedPerMemory = "train_stream_per_memory"
        case peakRSSMiB = "peak_rss_mib"
        case openBLASCore = "openblas_core"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(experiment, forKey: .experiment)
        try c.encode(threads, forKey: .threads)
        try c.encode(workers, forKey: .workers)
        try c.encode(batch, forKey: .batch)
        try c.encode(setup.seconds, forKey: .setupSeconds)
        try c.encode(setup.cpuSeconds, forKey: .setupCPUSeconds)
        try c.encode(trainLoad?.seconds, forKey: .trainLoadSeconds)
        try c.encode(trainLoad?.cpuSeconds, forKey: .trainLoadCPUSeconds)
        try c.encode(trainSplitImages, forKey: .trainSplitImages)
        try c.encode(epochBatches, forKey: .epochBatches)
        try c.encode(streamImages, forKey: .streamImages)
        try c.encode(stream.seconds, forKey: .streamSeconds)
        try c.encode(stream.cpuSeconds, forKey: .streamCPUSeconds)
        try c.encode(streamImagesPerSecond, forKey: .streamImagesPerSecond)
        try c.encode(streamCPUMicrosecondsPerImage, forKey: .streamCPUMicrosecondsPerImage)
        try c.encode(trainBatches, forKey: .trainBatches)
        try c.encode(fedByStream.images, forKey: .trainImages)
        try c.encode(fedByStream.timing.seconds, forKey: .fedSeconds)
        try c.encode(fedByStream.timing.cpuSeconds, forKey: .fedCPUSeconds)
        try c.encode(fedByStream.imagesPerSecond, forKey: .fedImagesPerSecond)
        try c.encode(fedByStream.meanLoss, forKey: .fedLoss)
        try c.encode(fromMemory.timing.seconds, forKey: .memorySeconds)
        try c.encode(fromMemory.timing.cpuSeconds, forKey: .memoryCPUSeconds)
        try c.encode(fromMemory.imagesPerSecond, forKey: .memoryImagesPerSecond)
        try c.encode(fromMemory.meanLoss, forKey: .memoryLoss)
        try c.encode(streamPerTraining, forKey: .streamPerTraining)
        try c.encode(streamFedPerMemory, forKey: .streamFedPerMemory)
        try c.encode(peakRSSMiB, forKey: .peakRSSMiB)
        try c.encode(openBLASCore, forKey: .openBLASCore)
    }

    /// The result as one JSON line, keys sorted; a loss that diverged is written as "nan" or "inf".
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The result as a table, one figure per line.
    public var lines: [String] {
        func phase(_ p: ExperimentBenchmark.TrainingPhase) -> String {
            String(
                format: "%.0f images/s (%d images in %.2f s; %.2f s CPU, CPU/wall %.2f; mean loss %.4f)",
                p.imagesPerSecond, p.images, p.timing.seconds, p.timing.cpuSeconds,
                p.timing.cpuSeconds / max(p.timing.seconds, 1e-9), p.meanLoss)
        }
        let load =
            trainLoad.map {
                String(
                    format: "%.3f s wall, %.3f s CPU (IDXDataset of data.train; the setup read the files first)",
                    $0.seconds, $0.cpuSeconds)
            } ?? "skipped (data.train is a folder dataset, not IDX)"
        return [
            "experiment           \(experiment): \(threads) trainer thread(s), \(workers) stream "
                + "worker(s), batch \(batch)",
            String(
                format: "setup                %.3f s wall, %.3f s CPU (load + decode + split)",
                setup.seconds, setup.cpuSeconds),
            "train set load       " + load,
            String(
                format: "stream alone         %.0f images/s, %.2f µs CPU per image "
                    + "(epoch 0: %d images in %d batches, %.2f s)",
                streamImagesPerSecond, streamCPUMicrosecondsPerImage, streamImages, epochBatches,
                stream.seconds),
            "training (stream)    " + phase(fedByStream),
            "training (memory)    " + phase(fromMemory),
            String(
                format: "stream / training    %.2f× (training fed by the stream: %.2f× its rate from memory)",
                streamPerTraining, streamFedPerMemory),
            String(format: "peak RSS             %.1f MiB (OpenBLAS core %@)", peakRSSMiB, openBLASCore),
        ]
    }
}
