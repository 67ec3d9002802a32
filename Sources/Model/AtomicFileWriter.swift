#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes files under a temporary name beside the target, flushes them to disk and renames them
/// into place, so a reader (or a crash) sees the old file or the complete new one, never a part.
/// The only place Model calls the POSIX file API; failures become `WeightsError`s.
enum AtomicFileWriter {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var random = SystemRandomNumberGenerator()
        let temp =
            (folder.isEmpty ? "" : folder + "/") + "." + name + ".tmp-" + String(random.next(), radix: 36)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw failure(path, "cannot create temporary file \(temp)") }
        var written = 0
        let error: WeightsError? = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return failure(path, "cannot write \(buffer.count) bytes to \(temp)")
                }
                written += n
            }
            return fsync(fd) == 0 ? nil : failure(path, "cannot flush \(temp) to disk")
        }
        close(fd)
        if let error {
            unlink(temp)
            throw error
        }
        guard rename(temp, path) == 0 else {
            let error = failure(path, "cannot rename \(temp) into place")
            unlink(temp)
            throw error
        }
        syncFolder(folder.isEmpty ? "/" : folder)
    }

    /// Flushes a folder's entries (the rename) to disk; best effort.
    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    private static func failure(_ path: String, _ what: String) -> WeightsError {
        WeightsError(path: path, "\(what): \(String(cString: strerror(errno)))")
    }
}
