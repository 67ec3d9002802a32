import Foundation

/// Reads and writes the safetensors format (Hugging Face), so weights move to and from PyTorch,
/// JAX or any other tool that reads it:
///
/// | bytes       | content                                                                    |
/// | ----------- | -------------------------------------------------------------------------- |
/// | 0 ..< 8     | N, the header length, unsigned 64-bit little-endian                        |
/// | 8 ..< 8+N   | UTF-8 JSON, padded with spaces: optional `"__metadata__": {str: str}`, and |
/// |             | per tensor `name: {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}` |
/// | 8+N ..< end | raw little-endian tensor data; offsets are relative to byte 8+N            |
///
/// Written files put tensors in byte-wise name order (as the reference writer does for one dtype),
/// pad the header to a multiple of 8 bytes and are replaced atomically. Only F32 tensors are read;
/// other dtypes are rejected by name. Like the reference reader, tensors must tile the data area
/// exactly: no overlap, no gap, no trailing bytes.
public enum Safetensors {
    /// The contents of a safetensors file.
    public struct Contents: Equatable {
        public var tensors: [String: Tensor]
        public var metadata: [String: String]

        public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
            self.tensors = tensors
            self.metadata = metadata
        }
    }

    /// Larger headers are rejected before being parsed (the reference reader's limit).
    public static let maximumHeaderLength = 100_000_000

    /// The dtypes of the format and their sizes in bytes, for error messages.
    static let dtypes: [(name: String, bytes: Int)] = [
        ("BOOL", 1), ("U8", 1), ("I8", 1), ("F8_E5M2", 1), ("F8_E4M3", 1), ("I16", 2), ("U16", 2), ("F16", 2),
        ("BF16", 2), ("I32", 4), ("U32", 4), ("F32", 4), ("F64", 8), ("I64", 8), ("U64", 8),
    ]

    // MARK: writing

    /// Writes `tensors` (and string `metadata`) to `path` atomically.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String)
        throws
    {
        try AtomicFileWriter.write(encode(tensors, metadata: metadata), to: path)
    }

    /// Writes `tensors` (and string `metadata`) to the file `url` atomically.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL)
        throws
    {
        try write(tensors, metadata: metadata, to: url.path)
    }

    /// The bytes of a safetensors file holding `tensors` as F32.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> [UInt8] {
        let names = tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { jsonString($0) + ":" + jsonString(metadata[$0]!) }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for name in names {
            precondition(
                !name.isEmpty && name != "__metadata__", "safetensors: invalid tensor name '\(name)'")
            let tensor = tensors[name]!
            let end = offset + 4 * tensor.count
            entries.append(
                jsonString(name) + ":{\"dtype\":\"F32\",\"shape\":["
                    + tensor.shape.map(String.init).joined(separator: ",")
                    + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for name in names {
            #if _endian(little)
                tensors[name]!.storage.withUnsafeBytes { bytes.append(contentsOf: $0) }
            #else
                for value in tensors[name]!.storage {
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                }
            #endif
        }
        return bytes
    }

    /// A JSON string literal, escaped as serde_json (the reference writer) does.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    // MARK: reading

    /// Reads the F32 tensors and metadata of the safetensors file at `path`.
    public static func read(from path: String) throws -> Contents {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw WeightsError(path: path, "cannot read safetensors file: \(error.localizedDescription)")
        }
        return try decode(data, path: path)
    }

    /// Reads the F32 tensors and metadata of the safetensors file `url`.
    public static func read(from url: URL) throws -> Contents { try read(from: url.path) }

    /// Decodes safetensors bytes; `path` names the source in errors.
    public static func decode(_ data: Data, path: String) throws -> Contents {
        func fail(_ message: String) -> WeightsError { WeightsError(path: path, "safetensors: " + message) }
        guard data.count >= 8 else {
            throw fail("truncated: file has \(data.count) bytes, expected at least 8 (the header length)")
        }
        let headerLength = data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw fail(
                "header length \(headerLength) is absurd (limit \(maximumHeaderLength) bytes); not a safetensors file?"
            )
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("truncated: header length is \(headerLength) bytes but only \(data.count - 8) follow")
        }
        let start = data.startIndex
        let dataStart = start + 8 + Int(headerLength)
        let header = data[(start + 8)..<dataStart]
        guard header.first == UInt8(ascii: "{") else {
            throw fail(
                "header must be a JSON object starting with '{', found byte \(header.first.map(String.init) ?? "none")"
            )
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(header)) as? [String: Any] else {
                throw fail("header is JSON but not an object")
            }
            object = parsed
        } catch let error as WeightsError {
            throw error
        } catch {
            throw fail("header is not valid JSON (\(headerLength) bytes): \(error.localizedDescription)")
        }
        let dataSize = data.count - 8 - Int(headerLength)
        var metadata: [String: String] = [:]
        var layout: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in object {
            if name == "__metadata__" {
                guard let map = value as? [String: Any], map.values.allSatisfy({ $0 is String }) else {
                    throw fail("__metadata__ must map strings to strings, found \(value)")
                }
                metadata = map.mapValues { $0 as! String }
                continue
            }
            let entry = try tensorEntry(name, value, dataSize: dataSize, fail: fail)
            layout.append((name, entry.shape, entry.begin, entry.end))
        }
        layout.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        for item in layout {
            if item.begin < covered {
                throw fail(
                    "tensor '\(item.name)' bytes \(item.begin)..<\(item.end) overlap the previous tensor "
                        + "(which ends at \(covered))")
            }
            if item.begin > covered {
                throw fail("data bytes \(covered)..<\(item.begin) belong to no tensor (next: '\(item.name)')")
            }
            covered = item.end
        }
        guard covered == dataSize else {
            throw fail("tensors cover \(covered) data bytes but the file holds \(dataSize) (trailing bytes)")
        }
        var tensors: [String: Tensor] = [:]
        data.withUnsafeBytes { raw in
            for item in layout {
                let base = 8 + Int(headerLength) + item.begin
                let count = (item.end - item.begin) / 4
                let storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    #if _endian(little)
                        let source = UnsafeRawBufferPointer(rebasing: raw[base..<(base + 4 * count)])
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                    #else
                        for i in 0..<count {
                            let bits = raw.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self)
                            buffer[i] = Float(bitPattern: UInt32(littleEndian: bits))
                        }
                    #endif
                    initialized = count
                }
                tensors[item.name] = Tensor(shape: item.shape, storage: storage)
            }
        }
        return Contents(tensors: tensors, metadata: metadata)
    }

    /// Validates one header entry `{dtype, shape, data_offsets}`.
    private static func tensorEntry(
        _ name: String, _ value: Any, dataSize: Int, fail: (String) -> WeightsError
    )
        throws -> (shape: [Int], begin: Int, end: Int)
    {
        guard let entry = value as? [String: Any] else {
            throw fail("tensor '\(name)': expected an object {dtype, shape, data_offsets}, found \(value)")
        }
        let unknown = Set(entry.keys).subtracting(["dtype", "shape", "data_offsets"])
        guard unknown.isEmpty else { throw fail("tensor '\(name)': unexpected keys \(unknown.sorted())") }
        guard let dtype = entry["dtype"] as? String else {
            throw fail("tensor '\(name)': expected a string dtype, found \(entry["dtype"] ?? "nothing")")
        }
        guard dtype == "F32" else {
            let known = dtypes.contains { $0.name == dtype }
            throw fail(
                "tensor '\(name)': dtype \(dtype) is \(known ? "not supported" : "unknown"); only F32 is read"
            )
        }
        guard let shape = integers(entry["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw fail(
                "tensor '\(name)': expected shape as a list of non-negative integers, found "
                    + "\(entry["shape"] ?? "nothing")")
        }
        guard let offsets = integers(entry["data_offsets"]), offsets.count == 2 else {
            throw fail(
                "tensor '\(name)': expected data_offsets [begin, end], found \(entry["data_offsets"] ?? "nothing")"
            )
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard 0 <= begin, begin <= end, end <= dataSize else {
            throw fail(
                "tensor '\(name)': data_offsets [\(begin), \(end)] out of range 0...\(dataSize) of the data area "
                    + "(truncated file?)")
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= dataSize else {
                throw fail(
                    "tensor '\(name)': shape \(shape) needs more bytes than the \(dataSize)-byte data area")
            }
            count = product
        }
        guard end - begin == 4 * count else {
            throw fail(
                "tensor '\(name)': shape \(shape) as F32 needs \(4 * count) bytes, data_offsets give \(end - begin)"
            )
        }
        return (shape, begin, end)
    }

    /// A JSON array of integers (no fractions), or nil.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for element in array {
            guard let integer = element as? Int else { return nil }
            result.append(integer)
        }
        return result
    }
}
