// PNG benchmark: decode rate of small PNGs through ImageFolderDataset.
import Foundation
import WorkbenchData

/// Writes `count` 28×28 8-bit grey PNGs (10 class folders, Fashion-MNIST pixels when installed,
/// else a synthetic pattern) to a temporary folder, then prints the time to open the folder (IHDR
/// size check of every file) and the decode rate of one pass of `sample(at:)`, best of `repeats`.
func runPNGBenchmark(count: Int = 10_000, repeats: Int = 3) throws {
    let root = NSTemporaryDirectory() + "workbench-png-bench-\(ProcessInfo.processInfo.processIdentifier)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let source = try? IDXDataset(imagesPath: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
                                 labelsPath: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
    for c in 0 ..< 10 {
        try FileManager.default.createDirectory(atPath: root + "/\(c)", withIntermediateDirectories: true)
    }
    let writeStart = DispatchTime.now().uptimeNanoseconds
    for i in 0 ..< count {
        let image: Image
        if let source, i < source.count {
            image = try source.sample(at: i).image
        } else {
            image = Image(channels: 1, height: 28, width: 28,
                          pixels: (0 ..< 784).map { Float(($0 * 7 + i * 13) % 256) / 255 })
        }
        try PNG.write(image, to: root + "/\(i % 10)/\(i).png")
    }
    let writeSeconds = Double(DispatchTime.now().uptimeNanoseconds - writeStart) / 1e9
    var bestOpen = Double.infinity
    var bestDecode = Double.infinity
    var checksum: Float = 0
    for _ in 0 ..< repeats {
        let openStart = DispatchTime.now().uptimeNanoseconds
        let data = try ImageFolderDataset(root: root)
        bestOpen = min(bestOpen, Double(DispatchTime.now().uptimeNanoseconds - openStart) / 1e9)
        let decodeStart = DispatchTime.now().uptimeNanoseconds
        checksum = 0
        for i in 0 ..< data.count { checksum += try data.sample(at: i).image.pixels[400] }
        bestDecode = min(bestDecode, Double(DispatchTime.now().uptimeNanoseconds - decodeStart) / 1e9)
    }
    print(String(format: "PNG: wrote %d 28x28 grey PNGs in %.2f s (%.0f images/s, atomic writes)",
                 count, writeSeconds, Double(count) / writeSeconds))
    print(String(format: "PNG: ImageFolderDataset open (IHDR check of %d files) %.3f s; decode %.0f images/s "
                    + "(%.3f s, one thread, best of %d; checksum %.1f)",
                 count, bestOpen, Double(count) / bestDecode, bestDecode, repeats, checksum))
}
