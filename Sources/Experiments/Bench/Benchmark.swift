import Dispatch
import Foundation
import WorkbenchData
import WorkbenchModel
import WorkbenchRandom

/// Training and inference throughput of a reference model on an MNIST-style IDX dataset, measured
/// the way the PyTorch baseline script (not in this repository; see `scripts/bench-vs-pytorch`)
/// measures PyTorch: SGD (lr 0.05, momentum 0.9), softmax cross-entropy, inputs scaled to [0, 1]
/// without normalisation, a fresh shuffle per epoch, then the test set in batches of 1000.
///
/// The images stay in memory as the file's bytes; each batch is gathered and scaled into one reused
/// buffer, so the only large allocations are the two IDX arrays.
public struct Benchmark {
    public var model: ReferenceModel
    public var threads: Int
    public var batchSize: Int
    public var epochs: Int
    public var seed: UInt64 = 1234
    /// Train on only the first `trainLimit` samples (nil = all), for quick checks.
    public var trainLimit: Int?
    /// Samples per trainer chunk, the unit of parallel work (`Trainer.chunkSize`): a batch of B
    /// gives ⌈B / chunkSize⌉ chunks, so batch 16 with the default 16 keeps one thread busy.
    public var chunkSize = 16

    public init(model: ReferenceModel, threads: Int, batchSize: Int, epochs: Int) {
        self.model = model
        self.threads = threads
        self.batchSize = batchSize
        self.epochs = epochs
    }

    /// What one benchmark measured (the JSON keys follow the PyTorch baseline's where they overlap).
    public struct Result: Codable, Equatable {
        public var model: String
        public var threads: Int
        /// Threads that ran at once: `threads`, but at most one per processor (the trainer starts
        /// no more, and the GEMM ceiling is measured with as many).
        public var threadsUsed: Int
        public var batch: Int
        public var chunk: Int
        /// Chunks a full batch is split into (`Trainer.chunkCount`).
        public var chunksPerBatch: Int
        public var epochs: Int
        public var trainImages: Int
        public var trainImagesPerSecond: Double
        /// Batch size / the median wall time of a full-batch training step: what a step costs when
        /// nothing else on the machine interferes (other load stalls some steps, and the epoch
        /// rate with them, but moves the median little).
        public var trainMedianStepImagesPerSecond: Double
        /// Process CPU time (all threads) spent in training; trainImages·epochs / this is the rate
        /// per CPU-second, which a loaded machine disturbs far less than the wall-clock rate.
        public var trainCPUSeconds: Double
        /// Training CPU time / wall time: ≈ threads when the workers really run at the same time.
        public var trainCPUPerWall: Double
        public var inferImagesPerSecond: Double
        /// Forward FLOPs per image from the network summary (a multiply-add counts 2).
        public var forwardFlops: Int
        /// Training counted as 3× the forward FLOPs (forward, input gradient, weight gradient).
        public var trainGFLOPS: Double
        public var inferGFLOPS: Double
        public var gemmCeilingGFLOPS: Double
        public var trainPercentOfCeiling: Double
        public var inferPercentOfCeiling: Double
        /// Test accuracy after each epoch.
        public var testAccuracy: [Double]
        public var peakRSSMiB: Double
        public var openBLASCore: String

        enum CodingKeys: String, CodingKey {
            case model, threads, batch, chunk, epochs
            case threadsUsed = "threads_used"
            case chunksPerBatch = "chunks_per_batch"
            case trainImages = "train_images"
            case trainImagesPerSecond = "train_img_s"
            case trainMedianStepImagesPerSecond = "train_img_s_median_step"
            case trainCPUSeconds = "train_cpu_s"
            case trainCPUPerWall = "train_cpu_per_wall"
            case inferImagesPerSecond = "infer_img_s"
            case forwardFlops = "forward_flops"
            case trainGFLOPS = "train_gflop_s"
            case inferGFLOPS = "infer_gflop_s"
            case gemmCeilingGFLOPS = "gemm_ceiling_gflop_s"
            case trainPercentOfCeiling = "train_pct_of_ceiling"
            case inferPercentOfCeiling = "infer_pct_of_ceiling"
            case testAccuracy = "test_acc"
            case peakRSSMiB = "peak_rss_mib"
            case openBLASCore = "openblas_core"
        }
    }

    /// Reads `train-*` and `t10k-*` IDX files (plain or gzip) from `folder`, trains, infers and
    /// measures. Missing or malformed files throw `DataError`.
    public func run(dataFolder folder: String, progress: (String) -> Void = { _ in }) throws -> Result {
        precondition(threads >= 1 && batchSize >= 1 && epochs >= 1,
                     "Benchmark needs threads, batch and epochs ≥ 1, got \(threads), \(batchSize), \(epochs)")
        func path(_ stem: String) throws -> String {
            for candidate in ["\(folder)/\(stem).gz", "\(folder)/\(stem)"]
            where FileManager.default.fileExists(atPath: candidate) { return candidate }
            throw DataError(path: "\(folder)/\(stem).gz", "file not found (nor without .gz)")
        }
        let train = try IDXDataset(imagesPath: path("train-images-idx3-ubyte"),
                                   labelsPath: path("train-labels-idx1-ubyte"))
        let test = try IDXDataset(imagesPath: path("t10k-images-idx3-ubyte"),
                                  labelsPath: path("t10k-labels-idx1-ubyte"))
        for (set, name) in [(train, "training"), (test, "test")] {
            let shape = [set.sampleShape.channels, set.sampleShape.height, set.sampleShape.width]
            guard shape == ReferenceModel.inputShape else {
                throw DataError(path: folder, "expected \(name) images of shape \(ReferenceModel.inputShape), found \(shape)")
            }
        }
        let trainLabels = train.labels.values(as: UInt8.self).map(Int.init)
        let testLabels = test.labels.values(as: UInt8.self).map(Int.init)
        for (labels, name) in [(trainLabels, "training"), (testLabels, "test")] {
            if let bad = labels.firstIndex(where: { $0 >= 10 }) {
                throw DataError(path: folder, "expected \(name) labels 0...9, found \(labels[bad]) at index \(bad)")
            }
        }

        let root = SplitMix64(seed: seed)
        let network = try Network(specs: model.specs, inputShape: ReferenceModel.inputShape,
                                  rng: root, defaultInitializer: "lecun_uniform")
        let trainer = Trainer(network: network, threads: threads, chunkSize: chunkSize, random: root)
        let optimizer = SGD(momentum: 0.9)
        let loss = SoftmaxCrossEntropy()
        let pixels = train.images.elementsPerItem
        let trainCount = min(trainLimit ?? train.count, train.count)

        let threadsUsed = trainer.threadsUsed
        progress("measuring the GEMM ceiling with \(threadsUsed) thread(s)")
        let ceiling = BLASInfo.measureGEMMCeiling(threads: threadsUsed)

        var labels = [Int](repeating: 0, count: batchSize)
        var trainSeconds = 0.0, inferSeconds = 0.0, trainCPU = 0.0
        var accuracies: [Double] = []
        var stepSeconds: [Double] = []
        stepSeconds.reserveCapacity(epochs * (trainCount / batchSize))
        var shuffle = root.derived(RandomStream.shuffle.rawValue)
        for epoch in 0..<epochs {
            var order = Array(0..<trainCount)
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, shuffle.nextInt(below: i + 1))
            }
            progress("epoch \(epoch + 1): training on \(trainCount) images")
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = Self.processCPUSeconds()
            train.images.bytes.withUnsafeBufferPointer { bytes in
                for first in stride(from: 0, to: trainCount, by: batchSize) {
                    let n = min(batchSize, trainCount - first)
                    let stepStart = DispatchTime.now().uptimeNanoseconds
                    if n != labels.count { labels = [Int](repeating: 0, count: n) }
                    for s in 0..<n { labels[s] = trainLabels[order[first + s]] }
                    // Each chunk gathers and scales its own images, on the thread that trains it.
                    order.withUnsafeBufferPointer { order in
                        _ = trainer.trainStep(labels: labels, loss: loss, optimizer: optimizer, learningRate: 0.05) { samples, out in
                            for s in samples {
                                Self.scale(bytes.baseAddress! + order[first + s] * pixels,
                                           out.baseAddress! + (s - samples.lowerBound) * pixels, pixels)
                            }
                        }
                    }
                    if n == batchSize {
                        stepSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - stepStart) / 1e9)
                    }
                }
            }
            trainSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            trainCPU += Self.processCPUSeconds() - cpuStart

            progress("epoch \(epoch + 1): inferring \(test.count) test images")
            let inferStart = DispatchTime.now().uptimeNanoseconds
            var correct = 0
            for first in stride(from: 0, to: test.count, by: 1000) {
                let n = min(1000, test.count - first)
                let batch = test.images.scaledFloats(first * pixels ..< (first + n) * pixels)
                correct += trainer.evaluate(images: batch, labels: Array(testLabels[first ..< first + n]),
                                            loss: loss).correct
            }
            inferSeconds = Double(DispatchTime.now().uptimeNanoseconds - inferStart) / 1e9
            accuracies.append((Double(correct) / Double(max(test.count, 1)) * 10_000).rounded() / 10_000)
        }

        let flops = network.flopsPerSample
        let trainRate = Double(epochs * trainCount) / trainSeconds
        stepSeconds.sort()
        let medianStep = stepSeconds.isEmpty ? trainSeconds : stepSeconds[stepSeconds.count / 2]
        let medianStepRate = Double(stepSeconds.isEmpty ? epochs * trainCount : batchSize) / medianStep
        let inferRate = Double(test.count) / inferSeconds
        let trainGFLOPS = 3 * Double(flops) * trainRate / 1e9
        let inferGFLOPS = Double(flops) * inferRate / 1e9
        return Result(
            model: model.name, threads: threads, threadsUsed: threadsUsed, batch: batchSize, chunk: chunkSize,
            chunksPerBatch: trainer.chunkCount(min(batchSize, max(trainCount, 1))), epochs: epochs, trainImages: trainCount,
            trainImagesPerSecond: trainRate, trainMedianStepImagesPerSecond: medianStepRate, trainCPUSeconds: trainCPU, trainCPUPerWall: trainCPU / trainSeconds,
            inferImagesPerSecond: inferRate, forwardFlops: flops,
            trainGFLOPS: trainGFLOPS, inferGFLOPS: inferGFLOPS, gemmCeilingGFLOPS: ceiling,
            trainPercentOfCeiling: 100 * trainGFLOPS / ceiling, inferPercentOfCeiling: 100 * inferGFLOPS / ceiling,
            testAccuracy: accuracies, peakRSSMiB: Self.peakRSSMiB(), openBLASCore: BLASInfo.coreName)
    }

    /// dst[i] = Float(src[i]) / 255 for i < count, sixteen bytes at a time (the same division per
    /// element as the scalar loop, so the same bits).
    @inline(__always)
    static func scale(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        var i = 0
        while i + 16 <= count {
            let bytes = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let values = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: bytes)) / 255
            UnsafeMutableRawPointer(dst + i).storeBytes(of: values, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            dst[i] = Float(src[i]) / 255
            i += 1
        }
    }

    /// CPU time of all this process's threads so far (`CLOCK_PROCESS_CPUTIME_ID`), in seconds.
    public static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Peak resident set size of this process so far (`getrusage` `ru_maxrss`, KiB on Linux), in MiB.
    public static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
