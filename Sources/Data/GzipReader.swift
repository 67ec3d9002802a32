import CZlib
import Foundation

/// Reads a file through zlib's streaming gz* layer: gzip is recognised by content (`1F 8B`), not by
/// name, and anything else passes through unchanged. Inflation writes straight into the caller's
/// buffer, so a payload is never held twice. This file is the only place that calls zlib.
final class GzipReader {
    let path: String
    private let file: gzFile

    /// Opens `path` for reading; throws a `DataError` when the file cannot be opened.
    init(path: String) throws {
        self.path = path
        guard let file = gzopen(path, "rb") else {
            throw DataError(path: path, "cannot open for reading: \(String(cString: strerror(errno)))")
        }
        self.file = file
        gzbuffer(file, 256 * 1024)
    }

    deinit { gzclose_r(file) }

    /// True when the file is gzip-compressed (valid after the first `read`).
    var isCompressed: Bool { gzdirect(file) == 0 }

    /// Fills `buffer` and returns how many bytes were read; fewer than `buffer.count` only at the
    /// end of the data. Corrupt or truncated gzip streams throw, with zlib's message.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var total = 0
        while total < buffer.count {
            let chunk = UInt32(min(buffer.count - total, 1 << 30))
            let n = gzread(file, base + total, chunk)
            var errnum: Int32 = 0
            let message = gzerror(file, &errnum)
            if n < 0 || errnum != Z_OK {
                var text = message.map { String(cString: $0) } ?? "unknown zlib error"
                if text.hasPrefix(path + ": ") { text.removeFirst(path.count + 2) }
                let what = errnum == Z_BUF_ERROR ? "truncated gzip stream" : "corrupt gzip stream"
                throw DataError(path: path, "\(what) (zlib: \(text))")
            }
            if n == 0 { break }
            total += Int(n)
        }
        return total
    }

    /// Reads and discards the rest of the data, returning how many bytes there were.
    func skipToEnd() throws -> Int {
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while true {
            let n = try scratch.withUnsafeMutableBytes { try read(into: $0) }
            total += n
            if n < scratch.count { return total }
        }
    }
}

/// Writes a file through zlib: gzip-compressed, or plain (zlib's transparent mode). Used inside
/// `AtomicFile.write`, so readers never see a half-written file.
final class GzipWriter {
    let path: String
    private var file: gzFile?

    /// Opens `path` for writing; `compressed: false` writes the bytes unchanged.
    init(path: String, compressed: Bool, level: Int = 6) throws {
        self.path = path
        let mode = compressed ? "wb\(max(1, min(9, level)))" : "wbT"
        guard let file = gzopen(path, mode) else {
            throw DataError(path: path, "cannot open for writing: \(String(cString: strerror(errno)))")
        }
        self.file = file
        gzbuffer(file, 256 * 1024)
    }

    deinit { if let file { gzclose_w(file) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let file, let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let chunk = UInt32(min(bytes.count - done, 1 << 30))
            let n = gzwrite(file, base + done, chunk)
            if n <= 0 {
                var errnum: Int32 = 0
                let message = gzerror(file, &errnum).map { String(cString: $0) } ?? "unknown error"
                throw DataError(path: path, "write failed: \(message)")
            }
            done += Int(n)
        }
    }

    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Flushes and closes; a failure here (e.g. disk full) throws.
    func close() throws {
        guard let file else { return }
        self.file = nil
        let status = gzclose_w(file)
        if status != Z_OK {
            throw DataError(path: path, "closing after write failed (zlib status \(status))")
        }
    }
}
