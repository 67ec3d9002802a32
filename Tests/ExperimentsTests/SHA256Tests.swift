import XCTest

@testable import WorkbenchExperiments

/// FIPS 180-4 / NIST example vectors.
final class SHA256Tests: XCTestCase {
    func testFIPSVectors() {
        XCTAssertEqual(
            SHA256.hex(Array("abc".utf8)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex([UInt8]()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hex(
                Array(
                    ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                        + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8)),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testMillionAsStreamedInUnevenPiecesAndFromAFile() throws {
        var hasher = SHA256()
        var remaining = 1_000_000
        var piece = 1
        while remaining > 0 {
            let n = min(piece, remaining)
            hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
            remaining -= n
            piece = piece * 3 + 1
        }
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        XCTAssertEqual(hasher.finalize().map { String(format: "%02x", $0) }.joined(), expected)

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: url)
        let (hex, bytes) = try SHA256.file(at: url)
        XCTAssertEqual(hex, expected)
        XCTAssertEqual(bytes, 1_000_000)
    }

    func testMissingFileIsAClearError() {
        XCTAssertThrowsError(try SHA256.file(at: URL(fileURLWithPath: "/nonexistent/x.idx"))) {
            XCTAssertEqual("\($0)", "error: /nonexistent/x.idx: cannot open for reading to checksum it")
        }
    }
}
