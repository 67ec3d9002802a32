// IDX load benchmark: seconds to load the gzip Fashion-MNIST training set into an IDXDataset.
import Foundation
import WorkbenchData

/// Prints the best of `repeats` wall-clock times (and CPU times) to read and inflate
/// train-images-idx3-ubyte.gz + train-labels-idx1-ubyte.gz into an `IDXDataset`, plus the time to
/// convert every image to floats once through `sample(at:)`.
func runLoadBenchmark(folder: String = "/usr/share/datasets/fashion-mnist", repeats: Int = 5) throws {
    let images = folder + "/train-images-idx3-ubyte.gz"
    let labels = folder + "/train-labels-idx1-ubyte.gz"
    guard FileManager.default.fileExists(atPath: images) else {
        print("IDX load: skipped (\(images) not found; install dataset-fashion-mnist)")
        return
    }
    var best = Double.infinity
    var bestCPU = Double.infinity
    var dataset: IDXDataset?
    for _ in 0 ..< repeats {
        let cpu = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        dataset = try IDXDataset(imagesPath: images, labelsPath: labels)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        bestCPU = min(bestCPU, processCPUSeconds() - cpu)
    }
    guard let data = dataset else { return }
    let start = DispatchTime.now().uptimeNanoseconds
    var checksum: Float = 0
    for i in 0 ..< data.count { checksum += try data.sample(at: i).image.pixels[400] }
    let convert = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(String(format: "IDX load: %d images %@ (gzip) in %.3f s wall, %.3f s CPU (best of %d)",
                 data.count, data.images.dimensions.map(String.init).joined(separator: "x") as NSString,
                 best, bestCPU, repeats))
    print(String(format: "IDX samples: %d sample(at:) conversions to [0,1] floats in %.3f s "
                    + "(%.0f images/s; checksum %.1f)",
                 data.count, convert, Double(data.count) / convert, checksum))
}
