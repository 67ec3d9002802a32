extension IDXArray {
    /// Writes the array as an IDX file, atomically (temporary name, then rename). `compressed`
    /// chooses gzip; when nil, a path ending in `.gz` is compressed and any other is not.
    public func write(to path: String, compressed: Bool? = nil) throws {
        let gzip = compressed ?? path.lowercased().hasSuffix(".gz")
        for size in dimensions where size > Int(UInt32.max) {
            throw DataError(path: path, "IDX sizes must fit in 32 bits, found \(size) in \(dimensions)")
        }
        if dimensions.count > 255 {
            throw DataError(path: path, "IDX rank must be at most 255, found \(dimensions.count)")
        }
        try AtomicFile.write(to: path) { temp in
            let writer = try GzipWriter(path: temp, compressed: gzip)
            var header: [UInt8] = [0, 0, elementType.code, UInt8(dimensions.count)]
            for size in dimensions {
                header += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) }
            }
            try writer.write(header)
            try writeBigEndianPayload(to: writer)
            try writer.close()
        }
    }

    /// Streams the payload in big-endian order through a small buffer (never a second full copy).
    private func writeBigEndianPayload(to writer: GzipWriter) throws {
        let width = elementType.byteWidth
        guard width > 1, 1.littleEndian == 1 else {
            try writer.write(bytes)
            return
        }
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            for i in stride(from: start, to: end, by: width) {
                for k in 0 ..< width { buffer[i - start + k] = bytes[i + width - 1 - k] }
            }
            try buffer.withUnsafeBytes { try writer.write(.init(rebasing: $0[0 ..< end - start])) }
            start = end
        }
    }
}
