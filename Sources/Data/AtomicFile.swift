import Foundation

/// Writes a file under a temporary name in the same folder and renames it into place, so readers
/// see either the old file or the complete new one, never a partial write.
enum AtomicFile {
    /// Calls `body` with a temporary path beside `path`, then renames it to `path`. On any error
    /// the temporary file is removed and the error rethrown.
    static func write(to path: String, _ body: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temp = folder + "/." + url.lastPathComponent + ".tmp-"
            + ProcessInfo.processInfo.globallyUniqueString
        do {
            try body(temp)
            if rename(temp, path) != 0 {
                let reason = String(cString: strerror(errno))
                throw DataError(path: path, "cannot rename \(temp) into place: \(reason)")
            }
        } catch let error as DataError where error.path == temp {
            unlink(temp)
            throw DataError(path: path, error.message)
        } catch {
            unlink(temp)
            throw error
        }
    }

    /// Writes `bytes` atomically.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { temp in
            let writer = try GzipWriter(path: temp, compressed: false)
            try writer.write(bytes)
            try writer.close()
        }
    }
}
