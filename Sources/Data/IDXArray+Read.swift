import Foundation

extension IDXArray {
    /// Reads an IDX file, plain or gzip-compressed (recognised by content, `1F 8B`, not by name).
    ///
    /// The payload is inflated straight into its final buffer. Every problem throws a `DataError`
    /// naming the file: empty file; incomplete header; bad magic (saying what the file looks like,
    /// e.g. HTML, or "gzip-compressed data that is not IDX"); unknown element type; payload
    /// shorter than the dimensions promise ("expected N bytes of data, found M"); corrupt or
    /// truncated gzip stream.
    ///
    /// Trailing bytes are an error too ("expected N bytes of data, found N+k"): a file longer than
    /// its header says is more likely a wrong or damaged file than a valid one, and silently
    /// ignoring data would hide that.
    public init(contentsOf path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw DataError(path: path, "is a folder, expected an IDX file")
        }
        let reader = try GzipReader(path: path)
        var magic = [UInt8](repeating: 0, count: 4)
        let got = try magic.withUnsafeMutableBytes { try reader.read(into: $0) }
        let source = reader.isCompressed ? "gzip stream" : "file"
        if got == 0 {
            throw DataError(path: path, reader.isCompressed
                ? "gzip stream decompresses to no data (expected an IDX file)"
                : "empty file (expected an IDX file)")
        }
        magic.removeLast(4 - got)
        if magic.count < 2 || magic[0] != 0 || magic[1] != 0 {
            var prefix = magic + [UInt8](repeating: 0, count: 60)
            let more = try prefix.withUnsafeMutableBytes { try reader.read(into: .init(rebasing: $0[got...])) }
            prefix.removeLast(60 - more)
            let what = reader.isCompressed ? "gzip-compressed data that is not IDX" : "not an IDX file"
            throw DataError(path: path, "\(what): expected magic 00 00 <type> <rank>, found "
                + "\(FileSignature.hex(prefix, limit: 4))\(FileSignature.looksLike(prefix))")
        }
        if magic.count < 4 {
            throw DataError(path: path, "incomplete header: expected a 4-byte magic number, "
                + "the \(source) has only \(magic.count) bytes")
        }
        guard let type = IDXElementType(code: magic[2]) else {
            let known = IDXElementType.all.map { "0x" + FileSignature.hex([$0.code]) + " \($0.name)" }
            throw DataError(path: path, "unknown IDX element type 0x\(FileSignature.hex([magic[2]])) in magic "
                + "\(FileSignature.hex(magic)); expected one of \(known.joined(separator: ", "))")
        }
        let rank = Int(magic[3])
        if rank == 0 {
            throw DataError(path: path, "IDX magic \(FileSignature.hex(magic)) declares 0 dimensions; "
                + "expected at least 1")
        }
        var sizeBytes = [UInt8](repeating: 0, count: 4 * rank)
        let gotSizes = try sizeBytes.withUnsafeMutableBytes { try reader.read(into: $0) }
        if gotSizes < sizeBytes.count {
            throw DataError(path: path, "incomplete header: expected 4 + 4×\(rank) = \(4 + 4 * rank) bytes, "
                + "found \(4 + gotSizes)")
        }
        let dimensions = (0 ..< rank).map { axis in
            sizeBytes[4 * axis ..< 4 * axis + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        var count = 1
        for size in dimensions {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow || product > Int(Int32.max) * 64 {
                throw DataError(path: path, "dimensions \(dimensions) promise an impossibly large array")
            }
            count = product
        }
        let headerSize = 4 + 4 * rank
        let expected = count * type.byteWidth
        try Self.checkPlausible(path: path, expected: expected, headerSize: headerSize,
                                compressed: reader.isCompressed)
        var payload = try [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
            initialized = try reader.read(into: UnsafeMutableRawBufferPointer(buffer))
        }
        if payload.count < expected {
            throw DataError(path: path, "\(type) \(dimensions): expected \(expected) bytes of data, "
                + "found \(payload.count)")
        }
        let trailing = try reader.skipToEnd()
        if trailing > 0 {
            throw DataError(path: path, "\(type) \(dimensions): expected \(expected) bytes of data, "
                + "found \(expected + trailing) (\(trailing) trailing bytes)")
        }
        Self.swapToHostOrder(&payload, type)
        self.init(elementType: type, dimensions: dimensions, hostOrderBytes: payload)
    }

    /// Rejects, before allocating, payload sizes the file cannot possibly hold: a plain file must be
    /// long enough; deflate expands at most about 1032:1, which bounds a gzip file.
    private static func checkPlausible(path: String, expected: Int, headerSize: Int, compressed: Bool) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let fileSize = (attributes[.size] as? NSNumber)?.intValue else { return }
        if !compressed, fileSize - headerSize < expected {
            throw DataError(path: path, "expected \(expected) bytes of data, found \(fileSize - headerSize)")
        }
        if compressed, expected / 1032 > fileSize + 1024 {
            throw DataError(path: path, "expected \(expected) bytes of data, found fewer "
                + "(a \(fileSize)-byte gzip file cannot inflate to that much)")
        }
    }

    /// Converts big-endian file order to host order in place (no-op on big-endian hosts and bytes).
    static func swapToHostOrder(_ bytes: inout [UInt8], _ type: IDXElementType) {
        guard 1.littleEndian == 1, type.byteWidth > 1 else { return }
        bytes.withUnsafeMutableBytes { raw in
            switch type.byteWidth {
            case 2: swap(raw, UInt16.self)
            case 4: swap(raw, UInt32.self)
            default: swap(raw, UInt64.self)
            }
        }
    }

    /// Byte-swaps every `T` in `raw` through unaligned loads and stores (no memory rebinding).
    @inline(__always)
    private static func swap<T: FixedWidthInteger>(_ raw: UnsafeMutableRawBufferPointer, _: T.Type) {
        let width = MemoryLayout<T>.size
        for offset in stride(from: 0, to: raw.count, by: width) {
            raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: offset, as: T.self).byteSwapped,
                           toByteOffset: offset, as: T.self)
        }
    }
}
