// Augmentation stream benchmark: images/s through BatchStream on a synthetic in-memory MNIST-sized set.
import Foundation
import WorkbenchData
import WorkbenchRandom

/// Prints the rate (images/s) of `BatchStream` over a synthetic 60k×1×28×28 `ArrayDataset`, with 1 and
/// 2 worker threads, for crop(pad 2)+flip and for crop(pad 2)+flip+affine, both normalised; one epoch
/// per measurement (after a short warm-up), batch size 128.
func runStreamBenchmark(count: Int = 60_000) throws {
    var rng = SplitMix64(seed: 2024)
    let samples = (0..<count).map { i -> Sample in
        let pixels = (0..<784).map { _ in Float(rng.next() >> 56) / 255 }
        return Sample(image: Image(channels: 1, height: 28, width: 28, pixels: pixels), label: i % 10)
    }
    let dataset = ArrayDataset(samples: samples, shape: (1, 28, 28), classNames: (0..<10).map(String.init))
    let norm = Normalization(mean: [0.1307], std: [0.3081])
    let pipelines: [(String, AugmentationPipeline)] = [
        (
            "crop(pad 2)+flip+normalise",
            AugmentationPipeline([RandomCrop(size: 28, padding: 2), HorizontalFlip()])
        ),
        (
            "crop(pad 2)+flip+affine+normalise",
            AugmentationPipeline([
                RandomCrop(size: 28, padding: 2), HorizontalFlip(),
                RandomAffine(degrees: -15...15, translate: (0.1, 0.1), scale: 0.9...1.1, shear: -5...5),
            ])
        ),
    ]
    print("Augmentation stream: \(count) synthetic 1x28x28 images, batch 128, one epoch per line")
    for (name, pipeline) in pipelines {
        for workers in [1, 2] {
            let stream = try BatchStream(
                dataset: dataset, batchSize: 128, augmentation: pipeline,
                normalization: norm, seed: SplitMix64(seed: 1), workers: workers)
            // Warm-up: a few batches of another epoch.
            var warm = 0
            for batch in stream.epoch(99) {
                _ = try batch.get()
                warm += 1
                if warm == 20 { break }
            }
            let cpuStart = processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            var images = 0
            var checksum: Float = 0
            try stream.epoch(0).forEachBatch { batch in
                images += batch.count
                checksum += batch.images[0]
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let cpu = processCPUSeconds() - cpuStart
            let rate = Double(images) / seconds
            print(
                String(
                    format: "  %-36@ workers %d: %9.0f images/s (%d images in %.2f s; %.1f µs CPU per image; "
                        + "checksum %.3f)", name as NSString, workers, rate, images, seconds,
                    cpu / Double(images) * 1e6, checksum))
        }
    }
}

/// User + system CPU time of this process so far (all threads), in seconds: unlike wall time it
/// does not grow when other processes share the cores.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
