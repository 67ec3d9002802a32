/// MNIST-style dataset from an IDX images file and an IDX labels file (LeCun et al. 1998).
///
/// Images are `[N, H, W]` (one channel) or `[N, C, H, W]`; labels are `[N]` `uint8`. `uint8`
/// samples are divided by 255 into [0, 1]; float32/float64 samples are taken as is (the file is
/// assumed to hold already-scaled values, and NaN, ±infinity or a float64 value beyond float32's
/// range is refused at open time); other integer types are also taken as is. Both files
/// stay in memory in their compact file types; `sample(at:)` converts one image to floats.
public struct IDXDataset: Dataset {
    /// The images array, `[N, H, W]` or `[N, C, H, W]`.
    public let images: IDXArray
    /// The labels array, `[N]` uint8.
    public let labels: IDXArray
    public let sampleShape: (channels: Int, height: Int, width: Int)
    public let classNames: [String]

    /// Reads both files (plain or gzip) and checks they describe the same number of samples.
    /// `classNames`, when given, names labels 0..<classNames.count; by default labels are
    /// named by their numbers "0"..."max label".
    public init(imagesPath: String, labelsPath: String, classNames: [String]? = nil) throws {
        try self.init(images: IDXArray(contentsOf: imagesPath), imagesPath: imagesPath,
                      labels: IDXArray(contentsOf: labelsPath), labelsPath: labelsPath,
                      classNames: classNames)
    }

    /// Builds a dataset from arrays already in memory; the paths are only used in error messages.
    public init(images: IDXArray, imagesPath: String = "<images>", labels: IDXArray,
                labelsPath: String = "<labels>", classNames: [String]? = nil) throws {
        sampleShape = try Self.imageShape(of: images, path: imagesPath)
        try Self.checkFinite(images, path: imagesPath)
        guard labels.dimensions.count == 1, labels.elementType == .uint8 else {
            throw DataError(path: labelsPath, "expected labels of shape [N] and type uint8, "
                + "found \(labels.elementType) \(labels.dimensions)")
        }
        guard labels.itemCount == images.itemCount else {
            throw DataError(path: imagesPath, "has \(images.itemCount) images but \(labelsPath) has "
                + "\(labels.itemCount) labels; expected the same count")
        }
        let maxLabel = Int(labels.bytes.max() ?? 0)
        if let classNames {
            guard maxLabel < classNames.count else {
                let index = labels.bytes.firstIndex(of: UInt8(maxLabel)) ?? 0
                throw DataError(path: labelsPath, "label \(maxLabel) at index \(index) has no class name; "
                    + "expected labels below \(classNames.count)")
            }
            self.classNames = classNames
        } else {
            self.classNames = (0 ... maxLabel).map(String.init)
        }
        self.images = images
        self.labels = labels
    }

    public var count: Int { images.itemCount }

    /// The (channels, height, width) of one image in an `[N, H, W]` or `[N, C, H, W]` array;
    /// throws naming the file and the shape when the rank is wrong or any size is 0 (no images,
    /// or images without pixels).
    static func imageShape(of images: IDXArray, path: String) throws -> (channels: Int, height: Int, width: Int) {
        let d = images.dimensions
        guard d.count == 3 || d.count == 4 else {
            throw DataError(path: path, "expected images of shape [N, H, W] or [N, C, H, W], "
                + "found rank \(d.count) \(d)")
        }
        if d[0] == 0 {
            throw DataError(path: path, "expected at least 1 image, found 0 (shape \(d))")
        }
        if d.contains(0) {
            throw DataError(path: path, "expected images with every size at least 1, found shape \(d) "
                + "(\(d.count == 3 ? "N, H, W" : "N, C, H, W"))")
        }
        return d.count == 3 ? (1, d[1], d[2]) : (d[1], d[2], d[3])
    }

    /// Throws, naming the file, the first image and pixel and how many values in all, when a float
    /// file holds NaN or ±infinity, or a float64 value that is infinite once rounded to float32:
    /// such a value would reach the network as is and turn every loss and gradient into NaN.
    static func checkFinite(_ images: IDXArray, path: String) throws {
        let type = images.elementType
        guard type == .float32 || type == .float64 else { return }
        var first: (index: Int, value: Double)?
        var bad = 0
        images.bytes.withUnsafeBytes { raw in
            for i in 0 ..< images.elementCount {
                let value = type == .float32
                    ? Double(raw.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))
                    : raw.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)
                if !Float(value).isFinite {
                    bad += 1
                    if first == nil { first = (i, value) }
                }
            }
        }
        guard let first else { return }
        let d = images.dimensions
        let perImage = images.elementsPerItem
        let (image, offset) = first.index.quotientAndRemainder(dividingBy: perImage)
        let (h, w) = (d[d.count - 2], d[d.count - 1])
        let (channel, pixel) = offset.quotientAndRemainder(dividingBy: h * w)
        let position = (d.count == 4 ? "channel \(channel), " : "") + "row \(pixel / w), column \(pixel % w)"
        let found = first.value.isFinite ? "\(first.value), beyond float32's range (±3.4e38)"
            : "\(first.value)"
        let values = "\(bad) NaN or infinite value\(bad == 1 ? "" : "s")"
        throw DataError(path: path, "image \(image) (\(position)) holds \(found); expected finite "
            + "\(type.name) values (float images reach the network as stored), found \(values) "
            + "among \(images.elementCount)")
    }

    public func sample(at index: Int) throws -> Sample {
        precondition(index >= 0 && index < count, "IDXDataset index \(index) outside 0..<\(count)")
        let image = Image(channels: sampleShape.channels, height: sampleShape.height,
                          width: sampleShape.width, pixels: images.scaledFloats(item: index))
        return Sample(image: image, label: Int(labels.bytes[index]))
    }
}
