import Foundation
import XCTest

@testable import WorkbenchModel

final class SafetensorsTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "safetensors-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A hand-built file (Python `safetensors` 0.8.0 writes exactly these bytes for the same input):
    /// 8-byte length 144, the 139-byte header padded with 5 spaces, then
    /// a = [0.5] and b = [1, −2] as little-endian float32.
    private let expectedBytes: [UInt8] =
        [0x90, 0, 0, 0, 0, 0, 0, 0]
        + Array(
            ("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}" + "     ").utf8)
        + [0x00, 0x00, 0x00, 0x3F] + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]

    func testExactBytesOfTinyFile() throws {
        let tensors = ["b": Tensor(shape: [2], storage: [1, -2]), "a": Tensor(shape: [1], storage: [0.5])]
        let path = folder + "/tiny.safetensors"
        try Safetensors.write(tensors, metadata: ["format": "pt"], to: path)
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(written.count, 8 + 144 + 12)
        XCTAssertEqual(written, expectedBytes)
        XCTAssertEqual(
            try Safetensors.read(from: path),
            Safetensors.Contents(tensors: tensors, metadata: ["format": "pt"]))
    }

    /// Bytes written by the reference implementation (Python `safetensors` 0.8.0, `safetensors.numpy.save`)
    /// for w = arange(6).reshape(2, 3)/4, a 0-d scalar 3.25, an empty [0, 3] tensor, a name with a
    /// non-ASCII letter and quotes, and metadata {"k": "v"}. (The same library also writes
    /// `expectedBytes` above byte for byte.)
    private let referenceHex =
        "08010000000000007b225f5f6d657461646174615f5f223a7b226b223a2276227d2c22656d707479223a7b2264747970"
        + "65223a22463332222c227368617065223a5b302c335d2c22646174615f6f666673657473223a5b302c305d7d2c226ec3"
        + "a46d65205c22715c22223a7b226474797065223a22463332222c227368617065223a5b315d2c22646174615f6f666673"
        + "657473223a5b302c345d7d2c227363616c6172223a7b226474797065223a22463332222c227368617065223a5b5d2c22"
        + "646174615f6f666673657473223a5b342c385d7d2c2277223a7b226474797065223a22463332222c227368617065223a"
        + "5b322c335d2c22646174615f6f666673657473223a5b382c33325d7d7d2020200000c0bf00005040000000000000803e"
        + "0000003f0000403f0000803f0000a03f"

    func testReadsAndReproducesReferenceImplementationFile() throws {
        var bytes: [UInt8] = []
        var hex = Substring(referenceHex)
        while !hex.isEmpty {
            bytes.append(UInt8(hex.prefix(2), radix: 16)!)
            hex = hex.dropFirst(2)
        }
        let contents = try Safetensors.decode(Data(bytes), path: "reference.safetensors")
        let expected: [String: Tensor] = [
            "w": Tensor(shape: [2, 3], storage: [0, 0.25, 0.5, 0.75, 1, 1.25]),
            "scalar": Tensor(shape: [], storage: [3.25]),
            "empty": Tensor(shape: [0, 3], storage: []),
            "n\u{E4}me \"q\"": Tensor(shape: [1], storage: [-1.5]),
        ]
        XCTAssertEqual(contents, Safetensors.Contents(tensors: expected, metadata: ["k": "v"]))
        XCTAssertEqual(Safetensors.encode(expected, metadata: ["k": "v"]), bytes)
    }

    func testRoundTripShapesAndSpecialValues() throws {
        let special: [Float] = [
            .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-30,
        ]
        let tensors = [
            "layers.0.weight": Tensor(shape: [6, 1, 5, 5], storage: (0..<150).map { Float($0) * 0.013 - 1 }),
            "layers.0.bias": Tensor(shape: [6], storage: special),
            "scalar": Tensor(shape: [], storage: [3.25]),
            "empty": Tensor(shape: [0, 3], storage: []),
            "näme \"quoted\"\n": Tensor(shape: [1, 1], storage: [7]),
        ]
        let path = folder + "/round.safetensors"
        try Safetensors.write(tensors, metadata: ["note": "tab\there", "ü": "\u{1}"], to: path)
        let back = try Safetensors.read(from: path)
        XCTAssertEqual(back.metadata, ["note": "tab\there", "ü": "\u{1}"])
        XCTAssertEqual(Set(back.tensors.keys), Set(tensors.keys))
        for (name, tensor) in tensors {
            XCTAssertEqual(back.tensors[name]?.shape, tensor.shape, name)
            XCTAssertEqual(
                back.tensors[name]?.storage.map(\.bitPattern), tensor.storage.map(\.bitPattern), name)
        }
        let nan = Float(bitPattern: 0x7FC0_1234)
        let nanBack = try Safetensors.decode(
            Data(Safetensors.encode(["x": Tensor(shape: [1], storage: [nan])])), path: "m")
        XCTAssertEqual(nanBack.tensors["x"]?.storage[0].bitPattern, 0x7FC0_1234)
        // Encoding is deterministic: the same tensors give the same bytes.
        XCTAssertEqual(Safetensors.encode(tensors), Safetensors.encode(tensors))
    }

    func testHeaderIsPaddedToEightBytes() {
        for name in ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh"] {
            let bytes = Safetensors.encode([name: Tensor(shape: [1], storage: [1])])
            let length = Int(bytes[0]) | Int(bytes[1]) << 8
            XCTAssertEqual(length % 8, 0, name)
            XCTAssertEqual(bytes.count, 8 + length + 4, name)
        }
    }

    func testWriteReplacesFileAndLeavesNoTemporaryFiles() throws {
        let path = folder + "/w.safetensors"
        try Safetensors.write(["a": Tensor(shape: [1], storage: [1])], to: path)
        try Safetensors.write(["a": Tensor(shape: [2], storage: [2, 3])], to: path)
        XCTAssertEqual(try Safetensors.read(from: path).tensors["a"], Tensor(shape: [2], storage: [2, 3]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["w.safetensors"])
        XCTAssertThrowsError(try Safetensors.write([:], to: folder + "/missing/w.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("missing/w.safetensors"), "\(error)")
        }
        XCTAssertThrowsError(try Safetensors.read(from: folder + "/absent.safetensors")) { error in
            XCTAssertTrue("\(error)".hasPrefix(folder + "/absent.safetensors: cannot read"), "\(error)")
        }
    }

    // MARK: malformed files

    /// A file with the given header text (padded) and data bytes.
    private func file(header: String, data: [UInt8] = []) -> Data {
        var headerBytes = Array(header.utf8)
        headerBytes += Array(repeating: UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)
        var length = UInt64(headerBytes.count).littleEndian
        return Data(bytes: &length, count: 8) + Data(headerBytes) + Data(data)
    }

    private func assertRejected(
        _ data: Data, _ expected: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try Safetensors.decode(data, path: "/x/bad.safetensors"), file: file, line: line)
        { error in
            let message = "\(error)"
            XCTAssertTrue(
                message.hasPrefix("/x/bad.safetensors: safetensors: "), message, file: file, line: line)
            XCTAssertTrue(
                message.contains(expected), "expected '\(expected)' in: \(message)", file: file, line: line)
        }
    }

    private func entry(_ name: String, dtype: String = "F32", shape: String = "[2]", offsets: String)
        -> String
    {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}"
    }

    func testRejectsTruncatedAndAbsurdHeaders() {
        assertRejected(Data([1, 2, 3]), "truncated: file has 3 bytes")
        assertRejected(Data([0, 0, 0, 0, 0, 1, 0, 0]), "header length 1099511627776 is absurd")
        assertRejected(Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), "is absurd")
        assertRejected(
            Data([64, 0, 0, 0, 0, 0, 0, 0]) + Data("{}".utf8), "header length is 64 bytes but only 2 follow")
        let whole = Data(Safetensors.encode(["a": Tensor(shape: [4], storage: [1, 2, 3, 4])]))
        assertRejected(
            whole.prefix(whole.count - 3), "out of range 0...13 of the data area (truncated file?)")
        assertRejected(whole.prefix(20), "header length is")  // header cut short
    }

    func testRejectsBadJSON() {
        assertRejected(file(header: "{\"a\": [1, 2"), "header is not valid JSON")
        assertRejected(file(header: "[1, 2]"), "must be a JSON object")
        assertRejected(file(header: "{\"a\": 3}"), "tensor 'a': expected an object")
        assertRejected(
            file(header: "{\"__metadata__\": {\"k\": 1}}"), "__metadata__ must map strings to strings")
        assertRejected(
            file(
                header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                data: [0, 0, 0, 0]),
            "expected shape as a list of non-negative integers")
        assertRejected(
            file(
                header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", data: [0, 0, 0, 0]),
            "expected data_offsets [begin, end]")
        assertRejected(
            file(
                header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}",
                data: [0, 0, 0, 0]), "unexpected keys [\"x\"]")
    }

    func testRejectsOtherDtypesByName() {
        assertRejected(
            file(header: "{" + entry("h", dtype: "F16", offsets: "[0,4]") + "}", data: [0, 0, 0, 0]),
            "tensor 'h': dtype F16 is not supported; only F32 is read")
        assertRejected(
            file(header: "{" + entry("q", dtype: "Q4", offsets: "[0,4]") + "}", data: [0, 0, 0, 0]),
            "dtype Q4 is unknown")
    }

    func testRejectsBadOffsets() {
        let data = [UInt8](repeating: 0, count: 16)
        assertRejected(
            file(header: "{" + entry("a", offsets: "[0,24]") + "}", data: data),
            "tensor 'a': data_offsets [0, 24] out of range 0...16")
        assertRejected(file(header: "{" + entry("a", offsets: "[8,0]") + "}", data: data), "out of range")
        assertRejected(
            file(header: "{" + entry("a", offsets: "[0,12]") + "}", data: data),
            "shape [2] as F32 needs 8 bytes, data_offsets give 12")
        assertRejected(
            file(
                header: "{" + entry("a", offsets: "[0,8]") + "," + entry("b", offsets: "[4,12]") + "}",
                data: data), "tensor 'b' bytes 4..<12 overlap the previous tensor")
        assertRejected(
            file(
                header: "{" + entry("a", offsets: "[0,8]") + "," + entry("b", offsets: "[12,20]") + "}",
                data: data + [0, 0, 0, 0]), "data bytes 8..<12 belong to no tensor")
        assertRejected(
            file(header: "{" + entry("a", offsets: "[0,8]") + "}", data: data),
            "tensors cover 8 data bytes but the file holds 16")
        assertRejected(
            file(
                header: "{" + entry("a", shape: "[4611686018427387904, 4]", offsets: "[0,16]") + "}",
                data: data), "needs more bytes than the 16-byte data area")
    }
}
