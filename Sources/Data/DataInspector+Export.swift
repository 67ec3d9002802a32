import Foundation

extension DataInspector {
    /// Exports an IDX images file and labels file to an image folder `folder/<class>/<index>.png`
    /// that `ImageFolderDataset` reads back with the same labels and (for uint8 data) the same
    /// pixels. Class folders are named by `classNames[label]` when given, else by the label number
    /// zero-padded to one width ("0"…"9", or "00"…"99"), so name order is label order; file names
    /// are zero-padded indices. Each PNG (8-bit grey or RGB) is written atomically. Returns the
    /// number of images written. An empty `folder` path, one that exists as a file, or a folder that
    /// is not empty (hidden entries aside) is refused with a `DataError` before anything is read or
    /// written, so an export never merges into an earlier one.
    ///
    /// With `classNames`, `ImageFolderDataset` numbers classes by sorted name, which matches the
    /// original labels only if the names are given in sorted order.
    @discardableResult
    public static func exportImageFolder(imagesPath: String, labelsPath: String, to folder: String,
                                         classNames: [String]? = nil) throws -> Int {
        try exportImageFolderCountingClamped(
            imagesPath: imagesPath, labelsPath: labelsPath, to: folder, classNames: classNames).written
    }

    /// As `exportImageFolder`, also returning how many values lay outside [0, 1] (possible for int8,
    /// int16, int32 and float images, taken as is) and were clamped to it in the PNGs.
    public static func exportImageFolderCountingClamped(
        imagesPath: String, labelsPath: String, to folder: String, classNames: [String]? = nil
    ) throws -> (written: Int, clamped: Int) {
        guard !folder.isEmpty else {
            throw DataError(path: "\"\"", "expected an output folder, found an empty path")
        }
        try checkNotAFile(folder)
        try checkNothingInTheWay(of: folder)
        try checkEmpty(folder)
        let data = try IDXDataset(imagesPath: imagesPath, labelsPath: labelsPath, classNames: classNames)
        guard data.sampleShape.channels == 1 || data.sampleShape.channels == 3 else {
            throw DataError(path: imagesPath,
                            "export needs 1- or 3-channel images, found \(data.sampleShape.channels)")
        }
        let labelWidth = String(data.classNames.count - 1).count
        let names = classNames ?? data.classNames.map { $0.leftPadded(to: labelWidth) }
        if let bad = names.first(where: { $0.isEmpty || $0.contains("/") || $0.hasPrefix(".") }) {
            throw DataError(path: labelsPath, "class name '\(bad)' cannot be a folder name")
        }
        if Set(names).count != names.count {
            throw DataError(path: labelsPath, "class names must be unique to be folder names, found \(names)")
        }
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DataError(path: folder, "cannot create folder: \(error.localizedDescription)")
        }
        // Claim the folder before looking inside: a second export (even a concurrent one) fails to
        // create the marker, or finds the first export's files, so two exports are never merged.
        let marker = folder + "/" + exportMarkerName
        let fd = open(marker, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            let reason = errno == EEXIST
                ? "exists: another export into this folder is running, or one was cut short; expected no"
                    + " export in progress (when none is running, remove the folder and export again)"
                : "cannot create the export marker: \(String(cString: strerror(errno)))"
            throw DataError(path: marker, reason)
        }
        close(fd)
        defer { unlink(marker) }
        try checkEmpty(folder)
        let used = Set(data.labels.bytes.map(Int.init))
        for label in used.sorted() {
            do {
                try fm.createDirectory(atPath: folder + "/" + names[label], withIntermediateDirectories: true)
            } catch {
                throw DataError(path: folder + "/" + names[label],
                                "cannot create folder: \(error.localizedDescription)")
            }
        }
        let indexWidth = String(max(data.count - 1, 0)).count
        var clamped = 0
        for i in 0 ..< data.count {
            let sample = try data.sample(at: i)
            if data.images.elementType != .uint8 {
                clamped += sample.image.pixels.reduce(0) { $0 + (($1 < 0 || $1 > 1) ? 1 : 0) }
            }
            let file = folder + "/" + names[sample.label] + "/" + String(i).leftPadded(to: indexWidth) + ".png"
            try PNG.write(sample.image, to: file)
        }
        return (data.count, clamped)
    }

    /// The hidden file an export holds (created exclusively) in its output folder while it writes.
    public static let exportMarkerName = ".workbench-export-in-progress"

    /// Throws when a component of `path` (or `path` itself) is a file or a dangling symbolic link, so
    /// the output folder cannot be created: names that component.
    private static func checkNothingInTheWay(of path: String) throws {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var prefix = ""
        for component in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            var link = stat()
            guard lstat(prefix, &link) == 0 else { return }  // missing from here on: created below
            var target = stat()
            if stat(prefix, &target) != 0 {
                let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: prefix)) ?? "?"
                throw DataError(
                    path: prefix,
                    "is a dangling symbolic link (to '\(destination)', which does not exist); expected a"
                        + " folder or nothing there, to create the output folder \(path)")
            }
            if target.st_mode & S_IFMT != S_IFDIR {
                throw DataError(
                    path: prefix,
                    "is a file in the way; expected a folder or nothing there, to create the output folder"
                        + " \(path)")
            }
        }
    }

    /// Throws when `path` is a folder holding anything but hidden (`.`-prefixed) entries, which
    /// `ImageFolderDataset` ignores: exporting into it would merge two datasets into one.
    private static func checkEmpty(_ path: String) throws {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        let visible = entries.filter { !$0.hasPrefix(".") }.sorted()
        guard !visible.isEmpty else { return }
        let shown = visible.prefix(3).joined(separator: ", ") + (visible.count > 3 ? ", …" : "")
        let counted = "\(visible.count) entr\(visible.count == 1 ? "y" : "ies")"
        throw DataError(path: path, "is not empty (\(counted): \(shown)); "
            + "expected a new or empty output folder, so that two exports are never merged into one dataset; "
            + "remove it or choose another folder")
    }

    /// Throws "exists and is not a folder" when `path` is an existing file (or anything but a folder).
    private static func checkNotAFile(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
            throw DataError(path: path, "exists and is not a folder; expected an output folder")
        }
    }
}
