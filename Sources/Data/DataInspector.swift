import Foundation

/// Looks at a dataset file or folder and reports what a person needs to know before training on
/// it: kind, count, shape, element type, channels, bit depth, classes, value range, mean, std.
/// Also renders single images as CSV (`DataInspector+Values.swift`), sample grids
/// (`DataInspector+Grid.swift`) and exports IDX to image folders (`DataInspector+Export.swift`).
public enum DataInspector {
    /// Inspects an IDX file (plain or gzip), a PNG file, or an image folder.
    public static func inspect(path: String) throws -> DataReport {
        switch try Source.open(path) {
        case .idx(let array): return try inspect(idx: array, path: path)
        case .png(let header, let image): return inspect(png: header, image: image, path: path)
        case .folder(let dataset): return try inspect(folder: dataset, path: path)
        }
    }

    /// IDX: rank-1 integer arrays are label files (range, mean and std of the label values, and
    /// counts per value); rank 3 or 4 are images (on the [0, 1] scale); anything else an array.
    /// NaN and ±infinity (float files) are counted apart and left out of the statistics.
    static func inspect(idx array: IDXArray, path: String) throws -> DataReport {
        let d = array.dimensions
        let kind: DataReport.Kind = d.count == 1 && array.elementType.isInteger ? .idxLabels
            : (d.count == 3 || d.count == 4) ? .idxImages : .idxArray
        if kind == .idxImages { _ = try IDXDataset.imageShape(of: array, path: path) }
        var stats = RunningStatistics()
        var counts: [Int: Int] = [:]
        if array.elementType == .uint8 {
            var histogram = [Int](repeating: 0, count: 256)
            for byte in array.bytes { histogram[Int(byte)] += 1 }
            let scale = kind == .idxLabels ? 1.0 : 1.0 / 255
            for (v, n) in histogram.enumerated() where n > 0 {
                stats.add(Double(v) * scale, times: n)
                counts[v] = n
            }
        } else {
            // float64 is rounded to float32 first, as the network sees it (1e300 counts as +inf).
            let asFloat32 = array.elementType == .float64
            for i in 0 ..< array.elementCount {
                stats.add(asFloat32 ? Double(Float(array[flat: i])) : array[flat: i])
                if kind == .idxLabels { counts[Int(array[flat: i]), default: 0] += 1 }
            }
        }
        let classes: [DataReport.ClassCount] = kind != .idxLabels ? []
            : counts.keys.sorted().map { .init(name: "\($0)", count: counts[$0]!) }
        return DataReport(path: path, kind: kind, count: d[0], shape: d, elementType: array.elementType.name,
                          channels: kind == .idxImages ? (d.count == 3 ? 1 : d[1]) : nil, bitDepth: nil,
                          colorType: nil, classes: classes, minimum: stats.count > 0 ? stats.minimum : 0,
                          maximum: stats.count > 0 ? stats.maximum : 0, mean: stats.mean, std: stats.std,
                          finiteCount: stats.count, nonFinite: stats.nonFinite)
    }

    static func inspect(png header: PNGHeader, image: Image, path: String) -> DataReport {
        var stats = RunningStatistics()
        for v in image.pixels { stats.add(Double(v)) }
        return DataReport(path: path, kind: .png, count: 1, shape: [image.channels, image.height, image.width],
                          elementType: header.bitDepth == 16 ? "uint16" : "uint8", channels: image.channels,
                          bitDepth: header.bitDepth, colorType: header.colorType.description, classes: [],
                          minimum: stats.minimum, maximum: stats.maximum, mean: stats.mean, std: stats.std,
                          finiteCount: stats.count, nonFinite: stats.nonFinite)
    }

    static func inspect(folder data: ImageFolderDataset, path: String) throws -> DataReport {
        var stats = RunningStatistics()
        var counts = [Int](repeating: 0, count: data.classNames.count)
        for i in 0 ..< data.count {
            let sample = try data.sample(at: i)
            counts[sample.label] += 1
            for v in sample.image.pixels { stats.add(Double(v)) }
        }
        let s = data.sampleShape
        return DataReport(path: path, kind: .imageFolder, count: data.count,
                          shape: [s.channels, s.height, s.width],
                          elementType: nil, channels: s.channels, bitDepth: nil, colorType: nil,
                          classes: zip(data.classNames, counts).map { .init(name: $0, count: $1) },
                          minimum: stats.minimum, maximum: stats.maximum, mean: stats.mean, std: stats.std,
                          finiteCount: stats.count, nonFinite: stats.nonFinite)
    }

    /// What a path holds, opened.
    enum Source {
        case idx(IDXArray)
        case png(PNGHeader, Image)
        case folder(ImageFolderDataset)

        /// Opens by content: a folder is an image folder; a file named `.png` (any case) or starting
        /// with the PNG signature is a PNG (so a JPEG named `x.png` is "not a PNG file … (looks like
        /// JPEG)", as `predict` says); anything else must be IDX (plain or gzip), whose reader explains
        /// what it is not.
        static func open(_ path: String, pngOptions: PNGOptions = PNGOptions(),
                         folderOptions: ImageFolderDataset.Options = .init()) throws -> Source {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw DataError(path: path, "no such file or folder")
            }
            if isFolder.boolValue { return .folder(try ImageFolderDataset(root: path, options: folderOptions)) }
            let head = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 8) } ?? Data()
            if [UInt8](head) == PNGShim.signature || path.lowercased().hasSuffix(".png") {
                return .png(try PNG.readHeader(path: path), try PNG.decode(path: path, options: pngOptions))
            }
            let array = try IDXArray(contentsOf: path)
            if array.dimensions.count == 3 || array.dimensions.count == 4 {
                _ = try IDXDataset.imageShape(of: array, path: path)  // no images, or 0-pixel images
            }
            return .idx(array)
        }

        /// Number of images.
        var imageCount: Int {
            switch self {
            case .idx(let a): return a.itemCount
            case .png: return 1
            case .folder(let d): return d.count
            }
        }

        /// Image `index` as the network sees it before normalisation.
        func image(at index: Int, path: String) throws -> Image {
            guard index >= 0 && index < imageCount else {
                throw DataError(path: path, "image index \(index) out of range; expected 0..<\(imageCount)")
            }
            switch self {
            case .idx(let a):
                let (c, h, w) = try IDXDataset.imageShape(of: a, path: path)
                return Image(channels: c, height: h, width: w, pixels: a.scaledFloats(item: index))
            case .png(_, let image): return image
            case .folder(let d): return try d.sample(at: index).image
            }
        }
    }
}
