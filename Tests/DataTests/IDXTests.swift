import Foundation
import XCTest
@testable import WorkbenchData

final class IDXTests: XCTestCase {
    /// Values spanning each type's range, including the ends and byte-order-revealing values.

    func testFileBytesAreBigEndianAsSpecified() throws {
        let tmp = TemporaryFolder()
        let path = tmp.file("a.idx")
        try IDXArray(dimensions: [2], values: [Int16(0x0102), Int16(-2)]).write(to: path)
        XCTAssertEqual(tmp.bytes("a.idx"), [0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE])
        try IDXArray(dimensions: [1, 2, 1], values: [UInt8(7), 255]).write(to: path)
        XCTAssertEqual(tmp.bytes("a.idx"), [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 7, 255])
        try IDXArray(dimensions: [1], values: [Float(1.0)]).write(to: path)
        XCTAssertEqual(tmp.bytes("a.idx"), [0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0x80, 0, 0])
        let read = try IDXArray(contentsOf: path)
        XCTAssertEqual(read[flat: 0], 1.0)
    }

    func testRoundTripEveryTypeAndRankPlainAndGzip() throws {
        let tmp = TemporaryFolder()
        let shapes = [[5], [3, 4], [2, 3, 4], [2, 1, 3, 2]]
        for type in IDXElementType.all {
            for dims in shapes {
                let array = IDXArray.Builder(type: type, count: dims.reduce(1, *)).array(dims)
                for compressed in [false, true] {
                    let path = tmp.file("\(type)-\(dims.count)-\(compressed).idx")
                    try array.write(to: path, compressed: compressed)
                    let back = try IDXArray(contentsOf: path)
                    XCTAssertEqual(back, array, "\(type) \(dims) compressed=\(compressed)")
                    XCTAssertEqual(tmp.bytes((path as NSString).lastPathComponent).prefix(2) == [0x1F, 0x8B],
                                   compressed)
                }
            }
        }
    }

    func testTypedValuesAndFlatAccessors() throws {
        let tmp = TemporaryFolder()
        let values: [Int32] = [Int32.min, -1, 0, 0x01020304, Int32.max, 7]
        let path = tmp.file("v.idx.gz")
        try IDXArray(dimensions: [2, 3], values: values).write(to: path)
        let back = try IDXArray(contentsOf: path)
        XCTAssertEqual(back.values(as: Int32.self), values)
        XCTAssertEqual(back[flat: 3], 16_909_060)
        XCTAssertEqual(back.itemCount, 2)
        XCTAssertEqual(back.elementsPerItem, 3)
        XCTAssertEqual(back.scaledFloats(item: 1), [16_909_060, Float(Int32.max), 7])
        let bytes = IDXArray(dimensions: [3], values: [UInt8(0), 51, 255])
        XCTAssertEqual(bytes.scaledFloats(0 ..< 3), [0, 0.2, 1])
    }

    func testGzipRecognisedByContentNotName() throws {
        let tmp = TemporaryFolder()
        let array = IDXArray(dimensions: [4], values: [UInt8(1), 2, 3, 4])
        try array.write(to: tmp.file("compressed.idx"), compressed: true)
        try array.write(to: tmp.file("plain.gz"), compressed: false)
        XCTAssertEqual(tmp.bytes("compressed.idx").prefix(2), [0x1F, 0x8B])
        XCTAssertEqual(tmp.bytes("plain.gz").prefix(4), [0, 0, 8, 1])
        XCTAssertEqual(try IDXArray(contentsOf: tmp.file("compressed.idx")), array)
        XCTAssertEqual(try IDXArray(contentsOf: tmp.file("plain.gz")), array)
    }

    func testHeaderErrors() throws {
        let tmp = TemporaryFolder()
        let empty = tmp.write([], to: "empty.idx")
        assertDataError([empty, "empty file"]) { _ = try IDXArray(contentsOf: empty) }
        let short = tmp.write([0, 0, 8], to: "short.idx")
        assertDataError([short, "incomplete header", "only 3 bytes"]) { _ = try IDXArray(contentsOf: short) }
        let sizes = tmp.write([0, 0, 8, 3, 0, 0, 0, 2, 0, 0], to: "sizes.idx")
        assertDataError([sizes, "incomplete header", "expected 4 + 4×3 = 16 bytes, found 10"]) {
            _ = try IDXArray(contentsOf: sizes)
        }
        let type = tmp.write([0, 0, 0x0A, 1, 0, 0, 0, 1, 5], to: "type.idx")
        assertDataError([type, "unknown IDX element type 0x0A", "0x08 uint8"]) { _ = try IDXArray(contentsOf: type) }
        let rank0 = tmp.write([0, 0, 8, 0], to: "rank0.idx")
        assertDataError([rank0, "0 dimensions"]) { _ = try IDXArray(contentsOf: rank0) }
        let html = tmp.write(Array("<!DOCTYPE html><html><body>Not found</body></html>".utf8), to: "t.gz")
        assertDataError([html, "not an IDX file", "looks like HTML", "3C 21 44 4F"]) {
            _ = try IDXArray(contentsOf: html)
        }
        let missing = tmp.file("missing.idx")
        assertDataError([missing, "cannot open"]) { _ = try IDXArray(contentsOf: missing) }
    }

    func testGzipOfSomethingNotIDX() throws {
        let tmp = TemporaryFolder()
        let path = tmp.file("page.gz")
        let writer = try GzipWriter(path: path, compressed: true)
        try writer.write(Array("<html><head><title>404</title></head></html>\n".utf8))
        try writer.close()
        assertDataError([path, "gzip-compressed data that is not IDX", "looks like HTML"]) {
            _ = try IDXArray(contentsOf: path)
        }
        let emptyGz = tmp.file("empty.gz")
        let w2 = try GzipWriter(path: emptyGz, compressed: true)
        try w2.close()
        assertDataError([emptyGz, "decompresses to no data"]) { _ = try IDXArray(contentsOf: emptyGz) }
    }

    func testPayloadShorterOrLongerThanPromised() throws {
        let tmp = TemporaryFolder()
        let header: [UInt8] = [0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 3]  // int16 [2, 3]: 12 bytes
        let short = tmp.write(header + [UInt8](repeating: 1, count: 10), to: "short.idx")
        assertDataError([short, "expected 12 bytes of data, found 10"]) { _ = try IDXArray(contentsOf: short) }
        let long = tmp.write(header + [UInt8](repeating: 1, count: 14), to: "long.idx")
        assertDataError([long, "expected 12 bytes of data, found 14", "2 trailing"]) {
            _ = try IDXArray(contentsOf: long)
        }
        for (name, count) in [("shortgz", 10), ("longgz", 14)] {
            let path = tmp.file(name)
            let w = try GzipWriter(path: path, compressed: true)
            try w.write(header + [UInt8](repeating: 1, count: count))
            try w.close()
            assertDataError([path, "expected 12 bytes of data, found \(count)"]) {
                _ = try IDXArray(contentsOf: path)
            }
        }
        let huge = tmp.write([0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0, 1, 2], to: "huge.idx")
        assertDataError([huge, "expected 4294967296 bytes of data, found 2"]) { _ = try IDXArray(contentsOf: huge) }
    }

    func testGzipSizeBoundAndConcatenatedMembers() throws {
        let tmp = TemporaryFolder()
        // A tiny gzip file whose header promises 4 GiB: rejected before allocating.
        let path = tmp.file("bomb.gz")
        let w = try GzipWriter(path: path, compressed: true)
        try w.write([0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0, 1, 2, 3])
        try w.close()
        assertDataError([path, "expected 4294967296 bytes of data, found fewer", "cannot inflate to that much"]) {
            _ = try IDXArray(contentsOf: path)
        }
        // Two gzip members back to back inflate to one stream: the second is trailing data.
        try IDXArray(dimensions: [3], values: [UInt8(1), 2, 3]).write(to: tmp.file("one.gz"))
        let one = tmp.bytes("one.gz")
        let two = tmp.write(one + one, to: "two.gz")
        assertDataError([two, "expected 3 bytes of data, found 14", "11 trailing"]) { _ = try IDXArray(contentsOf: two) }
        // Non-gzip bytes after the gzip stream are ignored by zlib, as by `gzip -d` (documented).
        let garbage = tmp.write(one + Array("GARBAGE".utf8), to: "garbage.gz")
        XCTAssertEqual(try IDXArray(contentsOf: garbage).bytes, [1, 2, 3])
    }

    func testCorruptAndTruncatedGzip() throws {
        let tmp = TemporaryFolder()
        let array = IDXArray.Builder(type: .int32, count: 500).array([500])
        try array.write(to: tmp.file("good.gz"))
        var bytes = tmp.bytes("good.gz")
        bytes[bytes.count - 6] ^= 0xFF  // inside the CRC-32 of the gzip trailer
        let crc = tmp.write(bytes, to: "crc.gz")
        assertDataError([crc, "corrupt gzip stream", "incorrect data check"]) { _ = try IDXArray(contentsOf: crc) }
        let good = tmp.bytes("good.gz")
        let truncated = tmp.write(Array(good.prefix(good.count / 2)), to: "truncated.gz")
        assertDataError([truncated, "truncated gzip stream"]) { _ = try IDXArray(contentsOf: truncated) }
        var middle = good
        middle[good.count / 2] ^= 0x55
        let damaged = tmp.write(middle, to: "damaged.gz")
        assertDataError([damaged, "gzip stream"]) { _ = try IDXArray(contentsOf: damaged) }
    }

    func testDatasetScalesLabelsAndShapes() throws {
        let tmp = TemporaryFolder()
        let pixels: [UInt8] = [0, 255, 51, 102, 0, 0, 0, 0, 10, 20, 30, 40]
        try IDXArray(dimensions: [3, 2, 2], values: pixels).write(to: tmp.file("img.gz"))
        try IDXArray(dimensions: [3], values: [UInt8(2), 0, 5]).write(to: tmp.file("lbl"))
        let data = try IDXDataset(imagesPath: tmp.file("img.gz"), labelsPath: tmp.file("lbl"))
        XCTAssertEqual(data.count, 3)
        XCTAssertEqual(data.sampleShape.channels, 1)
        XCTAssertEqual(data.sampleShape.height, 2)
        XCTAssertEqual(data.classNames, ["0", "1", "2", "3", "4", "5"])
        let first = try data.sample(at: 0)
        XCTAssertEqual(first.label, 2)
        XCTAssertEqual(first.image.pixels, [0, 1, 0.2, 0.4])
        let expected: [Float] = [10, 20, 30, 40].map { $0 / 255 }
        XCTAssertEqual(try data.sample(at: 2).image.pixels, expected)

        // [N, C, H, W] float32 taken as is.
        let chw = IDXArray(dimensions: [1, 2, 1, 2], values: [Float(-1), 0.5, 2, 3])
        let floatData = try IDXDataset(images: chw, labels: IDXArray(dimensions: [1], values: [UInt8(0)]))
        XCTAssertEqual(floatData.sampleShape.channels, 2)
        XCTAssertEqual(try floatData.sample(at: 0).image[1, 0, 1], 3)
    }

    func testDatasetErrorsNameBothFiles() throws {
        let tmp = TemporaryFolder()
        try IDXArray(dimensions: [3, 1, 1], values: [UInt8](repeating: 0, count: 3)).write(to: tmp.file("i"))
        try IDXArray(dimensions: [4], values: [UInt8](repeating: 1, count: 4)).write(to: tmp.file("l"))
        assertDataError([tmp.file("i"), tmp.file("l"), "3 images", "4 labels"]) {
            _ = try IDXDataset(imagesPath: tmp.file("i"), labelsPath: tmp.file("l"))
        }
        try IDXArray(dimensions: [3, 1], values: [UInt8](repeating: 0, count: 3)).write(to: tmp.file("r2"))
        try IDXArray(dimensions: [3], values: [UInt8](repeating: 1, count: 3)).write(to: tmp.file("l3"))
        assertDataError([tmp.file("r2"), "[N, H, W] or [N, C, H, W]", "rank 2"]) {
            _ = try IDXDataset(imagesPath: tmp.file("r2"), labelsPath: tmp.file("l3"))
        }
        assertDataError([tmp.file("l3"), "label 1", "below 1"]) {
            _ = try IDXDataset(imagesPath: tmp.file("i"), labelsPath: tmp.file("l3"), classNames: ["only"])
        }
        try IDXArray(dimensions: [3], values: [Int32](repeating: 1, count: 3)).write(to: tmp.file("l32"))
        assertDataError([tmp.file("l32"), "uint8", "found int32"]) {
            _ = try IDXDataset(imagesPath: tmp.file("i"), labelsPath: tmp.file("l32"))
        }
    }

    func testFashionMNISTTrainingSet() throws {
        let folder = "/usr/share/datasets/fashion-mnist"
        guard FileManager.default.fileExists(atPath: folder + "/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("Fashion-MNIST not installed at \(folder)")
        }
        let data = try IDXDataset(imagesPath: folder + "/train-images-idx3-ubyte.gz",
                                  labelsPath: folder + "/train-labels-idx1-ubyte.gz")
        XCTAssertEqual(data.images.dimensions, [60000, 28, 28])
        XCTAssertEqual(data.images.elementType, .uint8)
        XCTAssertEqual(data.classNames.count, 10)
        var counts = [Int](repeating: 0, count: 10)
        for label in data.labels.bytes { counts[Int(label)] += 1 }
        XCTAssertEqual(counts, [Int](repeating: 6000, count: 10))
        let pixels = try data.sample(at: 0).image.pixels
        XCTAssertTrue(pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertGreaterThan(pixels.max() ?? 0, 0.9)
    }
}

extension IDXArray {
    /// Builds deterministic test arrays covering each type's range (ends, zero, byte-order-revealing values).
    struct Builder {
        var type: IDXElementType
        var count: Int

        func array(_ dims: [Int]) -> IDXArray {
            let i = Array(0 ..< count)
            switch type {
            case .uint8: return IDXArray(dimensions: dims, values: i.map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 255) })
            case .int8: return IDXArray(dimensions: dims, values: i.map { Int8(truncatingIfNeeded: $0 &* 37 &- 128) })
            case .int16:
                return IDXArray(dimensions: dims, values: i.map { [Int16.min, 0x0102, -2, Int16.max][$0 % 4] &+ Int16($0) })
            case .int32:
                return IDXArray(dimensions: dims, values: i.map { [Int32.min, 0x0102_0304, -2, Int32.max][$0 % 4] &- Int32($0) })
            case .float32: return IDXArray(dimensions: dims, values: i.map { Float($0) * -1.25e-3 + 0.1 })
            default: return IDXArray(dimensions: dims, values: i.map { Double($0) * 1e300 / 7 - 1e-300 })
            }
        }
    }
}
