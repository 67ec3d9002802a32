import WorkbenchRandom
import XCTest

@testable import WorkbenchData

final class BatchStreamTests: XCTestCase {
    private let pipeline = AugmentationPipeline([
        RandomCrop(size: 6, padding: 2), HorizontalFlip(),
        RandomAffine(degrees: -15...15, translate: (0.1, 0.1), scale: 0.9...1.1),
        GaussianNoise(std: 0.05),
    ])
    private let norm = Normalization(mean: [0.5], std: [0.25])

    private func collect(_ epoch: Epoch) throws -> [Batch] {
        var batches: [Batch] = []
        try epoch.forEachBatch { batches.append($0) }
        return batches
    }

    private func bits(_ batches: [Batch]) -> [UInt32] { batches.flatMap { $0.images.map(\.bitPattern) } }

    func testEvaluationStreamServesSamplesInOrderNormalised() throws {
        let data = StreamFixtures.dataset(count: 23)
        let stream = try BatchStream.evaluation(dataset: data, batchSize: 5, normalization: norm, workers: 2)
        let batches = try collect(stream.epoch(0))
        XCTAssertEqual(batches.map(\.count), [5, 5, 5, 5, 3])
        XCTAssertEqual(batches.flatMap(\.indices), Array(0..<23))
        XCTAssertEqual(batches.flatMap(\.labels), (0..<23).map { $0 % 10 })
        XCTAssertEqual(batches[4].shape.channels, 1)
        XCTAssertEqual([batches[4].shape.height, batches[4].shape.width], [6, 6])
        for batch in batches {
            for n in 0..<batch.count {
                var expected = try data.sample(at: batch.indices[n]).image
                norm.apply(&expected)
                XCTAssertEqual(batch.image(n), expected)
            }
        }
        // Hand-computed: sample 1's first pixel is 1/23; normalised (1/23 − 0.5) / 0.25.
        XCTAssertEqual(batches[0].images[36], (1 / 23 - 0.5) / 0.25, accuracy: 1e-6)
    }

    func testShuffleIsSeededPermutationPerEpoch() throws {
        let data = StreamFixtures.dataset(count: 50)
        let stream = try BatchStream(dataset: data, batchSize: 8, seed: SplitMix64(seed: 3), workers: 1)
        let e0 = try collect(stream.epoch(0)).flatMap(\.indices)
        let e1 = try collect(stream.epoch(1)).flatMap(\.indices)
        XCTAssertEqual(e0.sorted(), Array(0..<50))
        XCTAssertEqual(e1.sorted(), Array(0..<50))
        XCTAssertNotEqual(e0, e1)
        XCTAssertNotEqual(e0, Array(0..<50))
        // Depends only on (seed, epoch): a fresh stream with another worker count agrees.
        let again = try BatchStream(dataset: data, batchSize: 5, seed: SplitMix64(seed: 3), workers: 3)
        XCTAssertEqual(try collect(again.epoch(1)).flatMap(\.indices), e1)
        XCTAssertEqual(again.order(epoch: 0), e0)
        let epochs = stream.epochs(0..<3)
        XCTAssertEqual(epochs.map(\.index), [0, 1, 2])
        XCTAssertEqual(try collect(Array(epochs)[1]).flatMap(\.indices), e1)
    }

    func testDropLast() throws {
        let data = StreamFixtures.dataset(count: 23)
        let keep = try BatchStream(dataset: data, batchSize: 5, seed: SplitMix64(seed: 1))
        let drop = try BatchStream(dataset: data, batchSize: 5, dropLast: true, seed: SplitMix64(seed: 1))
        XCTAssertEqual(keep.batchesPerEpoch, 5)
        XCTAssertEqual(drop.batchesPerEpoch, 4)
        let dropped = try collect(drop.epoch(2))
        XCTAssertEqual(dropped.map(\.count), [5, 5, 5, 5])
        XCTAssertEqual(dropped.flatMap(\.indices), Array(drop.order(epoch: 2).prefix(20)))
        XCTAssertEqual(try collect(keep.epoch(2)).map(\.count), [5, 5, 5, 5, 3])
    }

    func testOutputIsBitIdenticalForAnyWorkerCount() throws {
        let data = StreamFixtures.dataset(count: 61)
        func run(_ workers: Int, prefetch: Int? = nil) throws -> [UInt32] {
            let stream = try BatchStream(
                dataset: data, batchSize: 4, augmentation: pipeline, normalization: norm,
                seed: SplitMix64(seed: 99), workers: workers, prefetch: prefetch)
            return bits(try collect(stream.epoch(1)))
        }
        let one = try run(1)
        XCTAssertEqual(one.count, 61 * 36)
        XCTAssertEqual(try run(4), one)
        XCTAssertEqual(try run(0), one)
        XCTAssertEqual(try run(3, prefetch: 1), one)
    }

    func testAugmentationDrawsDependOnSeedEpochAndSampleIndex() throws {
        let data = StreamFixtures.dataset(count: 10)
        let stream = try BatchStream(
            dataset: data, batchSize: 10, shuffle: false, augmentation: pipeline,
            normalization: norm, seed: SplitMix64(seed: 5), workers: 2)
        let e0 = try collect(stream.epoch(0))[0]
        let e1 = try collect(stream.epoch(1))[0]
        for i in 0..<10 {
            var expected = try data.sample(at: i).image
            var rng = SplitMix64(seed: 5).derived(RandomStream.augmentation.rawValue, 1, UInt64(i))
            pipeline.apply(&expected, rng: &rng)
            norm.apply(&expected)
            XCTAssertEqual(e1.image(i), expected, "sample \(i) of epoch 1")
            XCTAssertNotEqual(e0.image(i), e1.image(i), "sample \(i) draws differ between epochs")
        }
    }

    func testStreamIsLazyAndPrefetchIsBounded() throws {
        let probe = ProbeDataset(base: StreamFixtures.dataset(count: 400))
        let stream = try BatchStream(
            dataset: probe, batchSize: 10, augmentation: pipeline,
            seed: SplitMix64(seed: 1), workers: 2, prefetch: 3)
        let iterator = stream.epoch(0).makeIterator()
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(probe.decodeCount, 0, "nothing is decoded before the first batch is asked for")
        XCTAssertNotNil(try iterator.nextBatch())
        // Workers fill the queue: at most 3 batches in flight beyond the one delivered.
        XCTAssertTrue(eventually { probe.decodeCount == 40 })
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(probe.decodeCount, 40, "prefetch must stay bounded")
        iterator.cancel()
        XCTAssertTrue(eventually { iterator.liveWorkers == 0 })
        XCTAssertNil(iterator.next())
    }

    func testConsumerStoppingEarlyStopsWorkers() throws {
        let probe = ProbeDataset(base: StreamFixtures.dataset(count: 1000))
        let stream = try BatchStream(
            dataset: probe, batchSize: 5, augmentation: pipeline,
            seed: SplitMix64(seed: 1), workers: 4)
        var iterator: BatchIterator? = stream.epoch(0).makeIterator()
        _ = iterator!.next()
        _ = iterator!.next()
        let state = iterator!.sharedState
        iterator = nil  // dropped mid-epoch
        XCTAssertTrue(eventually { state.liveWorkers == 0 }, "workers exit when the iterator is dropped")
        let decoded = probe.decodeCount
        XCTAssertLessThan(decoded, 1000)
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(probe.decodeCount, decoded)
        // A `for` loop that breaks out early.
        for result in stream.epoch(1) {
            XCTAssertEqual(try result.get().count, 5)
            break
        }
    }

    func testDecodingErrorSurfacesInOrderAndEndsEpoch() throws {
        let probe = ProbeDataset(base: StreamFixtures.dataset(count: 100), failAt: [57])
        for workers in [0, 1, 3] {
            let stream = try BatchStream.evaluation(dataset: probe, batchSize: 10, workers: workers)
            let iterator = stream.epoch(0).makeIterator()
            for position in 0..<5 { XCTAssertEqual(try iterator.nextBatch()?.position, position) }
            XCTAssertThrowsError(try iterator.nextBatch()) { error in
                XCTAssertEqual(
                    error as? DataError,
                    DataError(path: "probe.idx", "record 57: expected 784 bytes, found 12"))
            }
            XCTAssertNil(iterator.next(), "the epoch ends after an error")
            XCTAssertTrue(eventually { iterator.liveWorkers == 0 })
        }
        let shuffled = try BatchStream(dataset: probe, batchSize: 7, seed: SplitMix64(seed: 2), workers: 2)
        XCTAssertThrowsError(try shuffled.epoch(3).forEachBatch { _ in }) { error in
            XCTAssertTrue("\(error)".hasPrefix("probe.idx: record 57"), "\(error)")
        }
    }

    func testWrongSampleShapeIsAnError() throws {
        let probe = ProbeDataset(base: StreamFixtures.dataset(count: 20), wrongShapeAt: [13])
        let stream = try BatchStream.evaluation(dataset: probe, batchSize: 4, workers: 2)
        XCTAssertThrowsError(try stream.epoch(0).forEachBatch { _ in }) { error in
            XCTAssertEqual("\(error)", "sample 13: expected an image 1x6x6, found 1x2x2")
        }
    }

    func testConfigurationThatDoesNotFitIsRejected() {
        let data = StreamFixtures.dataset(count: 4)
        XCTAssertThrowsError(
            try BatchStream(
                dataset: data, batchSize: 2,
                augmentation: AugmentationPipeline([RandomCrop(size: 7)]),
                seed: SplitMix64(seed: 0)))
        XCTAssertThrowsError(
            try BatchStream(
                dataset: data, batchSize: 2,
                normalization: Normalization(mean: [0, 0, 0], std: [1, 1, 1]),
                seed: SplitMix64(seed: 0)))
        let cropped = try? BatchStream(
            dataset: data, batchSize: 2,
            augmentation: AugmentationPipeline([RandomCrop(size: 4, padding: 1)]),
            seed: SplitMix64(seed: 0))
        XCTAssertEqual(cropped?.imageShape.height, 4)
    }
}
