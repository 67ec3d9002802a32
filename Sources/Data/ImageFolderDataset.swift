import Foundation

/// A dataset laid out as `root/<class>/<image>.png`, like torchvision's `ImageFolder`.
///
/// Classes are the sub-folders of `root`, sorted by name; label `i` is `classNames[i]`. In each
/// class folder the images are the files whose name ends in `.png` (any case) and does not start
/// with `.` (so macOS `._x.png` resource forks are skipped); other files and deeper sub-folders are
/// ignored. Files are sorted by name, so the order — and hence a seeded shuffle — is the same on
/// every machine.
///
/// Opening reads every file's IHDR (33 bytes) and checks that all images have the same size,
/// naming the odd file and both sizes, unless `resize` is set. Images are decoded lazily in
/// `sample(at:)`.
public struct ImageFolderDataset: Dataset {
    /// How images become samples.
    public struct Options: Sendable, Equatable {
        /// 1 or 3 channels; nil picks 3 if any image is colour (RGB, RGBA, palette), else 1.
        public var channels: Int?
        /// Bilinear resize to (height, width) (see `BilinearResize`); nil requires equal sizes.
        public var resize: (height: Int, width: Int)?
        /// Alpha handling, as for single PNGs.
        public var alpha: PNGOptions.Alpha
        /// Per-image pixel limit.
        public var maxPixels: Int

        public init(channels: Int? = nil, resize: (height: Int, width: Int)? = nil,
                    alpha: PNGOptions.Alpha = .drop, maxPixels: Int = 64 << 20) {
            precondition(channels == nil || channels == 1 || channels == 3,
                         "ImageFolderDataset channels must be 1 or 3, got \(channels!)")
            self.channels = channels
            self.resize = resize
            self.alpha = alpha
            self.maxPixels = maxPixels
        }

        public static func == (a: Options, b: Options) -> Bool {
            a.channels == b.channels && a.resize?.height == b.resize?.height
                && a.resize?.width == b.resize?.width
                && a.alpha == b.alpha && a.maxPixels == b.maxPixels
        }
    }

    /// One image file and its label.
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var label: Int
    }

    public let root: String
    public let options: Options
    public let classNames: [String]
    /// Class name → label.
    public let labelOfClass: [String: Int]
    /// Every image, class by class, sorted by file name within a class.
    public let entries: [Entry]
    public let sampleShape: (channels: Int, height: Int, width: Int)
    /// True when some image is stored in colour (RGB, RGBA or palette): with `channels: 1` those
    /// images are converted to grey (BT.601 luma), which a caller may want to tell the user.
    public let hasColourImages: Bool

    /// Lists and checks the folder; throws a `DataError` naming the folder or file on any problem.
    public init(root: String, options: Options = Options()) throws {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isFolder) else {
            throw DataError(path: root, "expected a folder of class folders, found no such folder")
        }
        guard isFolder.boolValue else {
            throw DataError(path: root, "is a file, expected a folder of class folders")
        }
        let children = try Self.list(root).filter { !$0.hasPrefix(".") }
        let classes = children.filter { name in
            var dir: ObjCBool = false
            return fm.fileExists(atPath: root + "/" + name, isDirectory: &dir) && dir.boolValue
        }.sorted()
        if classes.isEmpty {
            throw DataError(path: root, "expected class folders (root/<class>/*.png), found none "
                + "(\(children.count) other entries)")
        }
        var entries: [Entry] = []
        for (label, name) in classes.enumerated() {
            let folder = root + "/" + name
            let images = try Self.list(folder).filter(Self.isImageName).sorted()
            if images.isEmpty {
                throw DataError(path: folder, "class folder '\(name)' has no .png files")
            }
            entries += images.map { Entry(path: folder + "/" + $0, label: label) }
        }
        var first: (path: String, header: PNGHeader)?
        var anyColour = false
        for entry in entries {
            let header = try PNG.readHeader(path: entry.path)
            if header.width * header.height > options.maxPixels {
                throw DataError(path: entry.path, PNGOptions.pixelLimitMessage(
                    width: header.width, height: header.height, limit: options.maxPixels))
            }
            anyColour = anyColour || header.naturalChannels == 3
            guard let reference = first else { first = (entry.path, header); continue }
            if options.resize == nil,
               header.width != reference.header.width || header.height != reference.header.height {
                throw DataError(path: entry.path,
                                "image is \(header.width)×\(header.height) (width×height) but "
                    + "\(reference.path) is \(reference.header.width)×\(reference.header.height); "
                    + "all images must have one size, or set a resize")
            }
        }
        let size = options.resize ?? (first!.header.height, first!.header.width)
        self.root = root
        self.options = options
        self.classNames = classes
        self.labelOfClass = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        self.entries = entries
        self.sampleShape = (options.channels ?? (anyColour ? 3 : 1), size.height, size.width)
        self.hasColourImages = anyColour
    }

    public var count: Int { entries.count }

    public func sample(at index: Int) throws -> Sample {
        precondition(index >= 0 && index < count, "ImageFolderDataset index \(index) outside 0..<\(count)")
        let entry = entries[index]
        let pngOptions = PNGOptions(channels: sampleShape.channels, alpha: options.alpha,
                                    maxPixels: options.maxPixels)
        var image = try PNG.decode(path: entry.path, options: pngOptions)
        if image.height != sampleShape.height || image.width != sampleShape.width {
            guard options.resize != nil else {
                throw DataError(path: entry.path, "image is \(image.width)×\(image.height) but the dataset "
                    + "expects \(sampleShape.width)×\(sampleShape.height) (file changed since opening?)")
            }
            image = BilinearResize.resize(image, height: sampleShape.height, width: sampleShape.width)
        }
        return Sample(image: image, label: entry.label)
    }

    /// The image-file rule: ends in `.png` (any case), not hidden.
    static func isImageName(_ name: String) -> Bool {
        !name.hasPrefix(".") && name.lowercased().hasSuffix(".png")
    }

    private static func list(_ folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw DataError(path: folder, "cannot list folder: \(error.localizedDescription)")
        }
    }
}
