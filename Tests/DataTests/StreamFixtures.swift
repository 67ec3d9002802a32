import Foundation
import WorkbenchData

/// Small generated images and datasets for the augmentation and stream tests.
enum StreamFixtures {
    /// An image whose samples are all distinct: value `(i + 1) / (count + 1)` at flat index `i`.
    static func ramp(channels: Int, height: Int, width: Int) -> Image {
        let n = channels * height * width
        return Image(
            channels: channels, height: height, width: width,
            pixels: (0..<n).map { Float($0 + 1) / Float(n + 1) })
    }

    /// `count` images of 1×h×w; image `i` has a distinct first pixel so it can be recognised.
    static func dataset(count: Int, height: Int = 6, width: Int = 6) -> ArrayDataset {
        let samples = (0..<count).map { i -> Sample in
            var image = ramp(channels: 1, height: height, width: width)
            image.pixels[0] = Float(i) / Float(count)
            return Sample(image: image, label: i % 10)
        }
        return ArrayDataset(
            samples: samples, shape: (1, height, width),
            classNames: (0..<10).map(String.init))
    }
}

/// A dataset that counts decodes and fails (or returns a wrong shape) at chosen indices.
final class ProbeDataset: Dataset, @unchecked Sendable {
    let base: ArrayDataset
    let failAt: Set<Int>
    let wrongShapeAt: Set<Int>
    private let lock = NSLock()
    private var decodes = 0

    init(base: ArrayDataset, failAt: Set<Int> = [], wrongShapeAt: Set<Int> = []) {
        self.base = base
        self.failAt = failAt
        self.wrongShapeAt = wrongShapeAt
    }

    var count: Int { base.count }
    var sampleShape: (channels: Int, height: Int, width: Int) { base.sampleShape }
    var classNames: [String] { base.classNames }
    var decodeCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return decodes
    }

    func sample(at index: Int) throws -> Sample {
        lock.lock()
        decodes += 1
        lock.unlock()
        if failAt.contains(index) {
            throw DataError(path: "probe.idx", "record \(index): expected 784 bytes, found 12")
        }
        if wrongShapeAt.contains(index) {
            return Sample(image: Image(channels: 1, height: 2, width: 2), label: 0)
        }
        return try base.sample(at: index)
    }
}

/// Waits up to `seconds` for `condition` to hold, polling.
func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return condition()
}
