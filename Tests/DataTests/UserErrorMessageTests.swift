import Foundation
import XCTest
@testable import WorkbenchData

/// Exact messages for mistakes a new user makes with paths and shapes (fresh-user report): each
/// names the file and says what was expected and what was found.
final class UserErrorMessageTests: XCTestCase {
    /// Asserts `body` throws a `DataError` whose full text is exactly `expected`.
    private func assertMessage(_ expected: String, file: StaticString = #filePath, line: UInt = #line,
                               _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected the DataError \"\(expected)\"", file: file, line: line)
        } catch let error as DataError {
            XCTAssertEqual(error.description, expected, file: file, line: line)
        } catch {
            XCTFail("expected a DataError, got \(error)", file: file, line: line)
        }
    }

    private func folder(_ tmp: TemporaryFolder, _ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: tmp.file(name), withIntermediateDirectories: true)
        return tmp.file(name)
    }

    func testIDXPathThatIsAFolder() throws {
        let tmp = TemporaryFolder()
        let dir = try folder(tmp, "images")
        assertMessage("\(dir): is a folder, expected an IDX file") { _ = try IDXArray(contentsOf: dir) }
        let labels = tmp.file("labels")
        try IDXArray(dimensions: [1], values: [UInt8(0)]).write(to: labels)
        assertMessage("\(dir): is a folder, expected an IDX file") {
            _ = try IDXDataset(imagesPath: dir, labelsPath: labels)
        }
    }

    func testImageFolderPathThatIsAFile() throws {
        let tmp = TemporaryFolder()
        let file = tmp.write([1, 2, 3], to: "train.idx")
        assertMessage("\(file): is a file, expected a folder of class folders") {
            _ = try ImageFolderDataset(root: file)
        }
        assertMessage("\(tmp.file("none")): expected a folder of class folders, found no such folder") {
            _ = try ImageFolderDataset(root: tmp.file("none"))
        }
    }

    func testInspectTreatsDotPNGAsPNG() throws {
        let tmp = TemporaryFolder()
        let jpeg = tmp.write([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46], to: "photo.png")
        let expected = "\(jpeg): not a PNG file: expected signature 89 50 4E 47 0D 0A 1A 0A, "
            + "found FF D8 FF E0 00 10 4A 46 (looks like JPEG)"
        assertMessage(expected) { _ = try DataInspector.inspect(path: jpeg) }
        assertMessage(expected) { _ = try DataInspector.valuesCSV(path: jpeg) }
        let text = tmp.write(Array("hello world\n".utf8), to: "note.PNG")
        assertMessage("\(text): not a PNG file: expected signature 89 50 4E 47 0D 0A 1A 0A, "
                      + "found 68 65 6C 6C 6F 20 77 6F (looks like text)") {
            _ = try DataInspector.inspect(path: text)
        }
        let empty = tmp.write([], to: "empty.png")
        assertMessage("\(empty): empty file (expected a PNG)") { _ = try DataInspector.inspect(path: empty) }
        // A real PNG under another name still goes through the PNG path (by signature).
        let real = tmp.file("image.bin")
        try PNG.write(Image(channels: 1, height: 1, width: 2, pixels: [0, 1]), to: real)
        XCTAssertEqual(try DataInspector.inspect(path: real).kind, .png)
    }

    func testIDXImagesWithAZeroDimensionAreRejected() throws {
        let tmp = TemporaryFolder()
        let cases: [(name: String, dims: [Int], message: String)] = [
            ("zero-size", [10, 0, 0], "expected images with every size at least 1, found shape [10, 0, 0] (N, H, W)"),
            ("zero-height", [3, 0, 28], "expected images with every size at least 1, found shape [3, 0, 28] (N, H, W)"),
            ("zero-channels", [2, 0, 4, 4],
             "expected images with every size at least 1, found shape [2, 0, 4, 4] (N, C, H, W)"),
            ("no-images", [0, 28, 28], "expected at least 1 image, found 0 (shape [0, 28, 28])"),
        ]
        for c in cases {
            let path = tmp.file(c.name)
            try IDXArray(dimensions: c.dims, values: [UInt8]()).write(to: path)
            let labels = tmp.file(c.name + "-labels")
            try IDXArray(dimensions: [c.dims[0]], values: [UInt8](repeating: 0, count: c.dims[0])).write(to: labels)
            let expected = "\(path): \(c.message)"
            assertMessage(expected) { _ = try DataInspector.inspect(path: path) }
            assertMessage(expected) { _ = try DataInspector.valuesCSV(path: path) }
            assertMessage(expected) { _ = try DataInspector.writeGrid(from: path, count: 4, to: tmp.file("g.png")) }
            assertMessage(expected) {
                _ = try DataInspector.exportImageFolder(imagesPath: path, labelsPath: labels, to: tmp.file("out"))
            }
            assertMessage(expected) { _ = try IDXDataset(imagesPath: path, labelsPath: labels) }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out")), "nothing exported")
        // Label files of length 0 and non-image arrays are still inspected.
        try IDXArray(dimensions: [0], values: [UInt8]()).write(to: tmp.file("empty-labels"))
        XCTAssertEqual(try DataInspector.inspect(path: tmp.file("empty-labels")).count, 0)
    }

    func testPixelLimitMessageNamesNoInternalIdentifier() throws {
        let tmp = TemporaryFolder()
        let png = tmp.file("big.png")
        try PNG.write(Image(channels: 1, height: 3, width: 4), to: png)
        let expected = "\(png): image is 4×3 = 12 pixels; expected at most 10, a fixed limit that bounds "
            + "memory and cannot be changed from the command line or an experiment file; use a smaller image"
        assertMessage(expected) { _ = try PNG.decode(path: png, options: PNGOptions(maxPixels: 10)) }
        let root = try folder(tmp, "set/a")
        try FileManager.default.moveItem(atPath: png, toPath: root + "/big.png")
        assertMessage(expected.replacingOccurrences(of: png, with: root + "/big.png")) {
            _ = try ImageFolderDataset(root: tmp.file("set"), options: .init(maxPixels: 10))
        }
        XCTAssertEqual(PNGOptions.pixelLimitMessage(width: 9000, height: 9000, limit: 64 << 20),
                       "image is 9000×9000 = 81000000 pixels; expected at most 67108864 (64 Mpx), a fixed "
                        + "limit that bounds memory and cannot be changed from the command line or an "
                        + "experiment file; use a smaller image")
    }

    func testExportRefusesEmptyPathAndFiles() throws {
        let tmp = TemporaryFolder()
        let images = tmp.file("img"), labels = tmp.file("lbl")
        try IDXArray(dimensions: [2, 2, 2], values: [UInt8](0 ..< 8)).write(to: images)
        try IDXArray(dimensions: [2], values: [UInt8(0), 1]).write(to: labels)
        assertMessage("\"\": expected an output folder, found an empty path") {
            _ = try DataInspector.exportImageFolder(imagesPath: images, labelsPath: labels, to: "")
        }
        let file = tmp.write([1, 2, 3], to: "g28.png")
        assertMessage("\(file): exists and is not a folder; expected an output folder") {
            _ = try DataInspector.exportImageFolder(imagesPath: images, labelsPath: labels, to: file)
        }
        XCTAssertEqual(tmp.bytes("g28.png"), [1, 2, 3], "the file is left alone")
        // A folder holding anything (here a class folder that exists as a file) is refused.
        let out = try folder(tmp, "out")
        _ = tmp.write([9], to: "out/1")
        assertMessage("\(out): is not empty (1 entry: 1); expected a new or empty output folder, so that two "
                      + "exports are never merged into one dataset; remove it or choose another folder") {
            _ = try DataInspector.exportImageFolder(imagesPath: images, labelsPath: labels, to: out)
        }
        XCTAssertEqual(try DataInspector.exportImageFolder(imagesPath: images, labelsPath: labels,
                                                           to: tmp.file("ok")), 2)
    }

    func testExportRefusesAFolderHoldingAnEarlierExport() throws {
        let tmp = TemporaryFolder()
        let images = tmp.file("img"), labels = tmp.file("lbl")
        try IDXArray(dimensions: [12, 1, 1], values: [UInt8](0 ..< 12)).write(to: images)
        try IDXArray(dimensions: [12], values: (0 ..< 12).map { UInt8($0 % 4) }).write(to: labels)
        let out = tmp.file("out")
        XCTAssertEqual(
            try DataInspector.exportImageFolder(imagesPath: images, labelsPath: labels, to: out), 12)
        let before = try FileManager.default.subpathsOfDirectory(atPath: out).sorted()
        try IDXArray(dimensions: [2, 1, 1], values: [UInt8(0), 1]).write(to: tmp.file("img2"))
        try IDXArray(dimensions: [2], values: [UInt8(0), 1]).write(to: tmp.file("lbl2"))
        assertMessage("\(out): is not empty (4 entries: 0, 1, 2, …); expected a new or empty output "
                      + "folder, so that two exports are never merged into one dataset; remove it or "
                      + "choose another folder") {
            _ = try DataInspector.exportImageFolder(
                imagesPath: tmp.file("img2"), labelsPath: tmp.file("lbl2"), to: out)
        }
        XCTAssertEqual(
            try FileManager.default.subpathsOfDirectory(atPath: out).sorted(), before, "nothing written")
        XCTAssertEqual(try ImageFolderDataset(root: out).count, 12)
        // An empty folder, or one holding only hidden files (which image folders ignore), is fine.
        _ = try folder(tmp, "empty")
        _ = tmp.write([1], to: "empty/.keep")
        XCTAssertEqual(
            try DataInspector.exportImageFolder(
                imagesPath: tmp.file("img2"), labelsPath: tmp.file("lbl2"), to: tmp.file("empty")), 2)
    }

    func testColourFolderWithOneChannelIsConvertedAndFlagged() throws {
        let tmp = TemporaryFolder()
        let root = try folder(tmp, "set/a")
        try PNG.write(Image(channels: 3, height: 1, width: 1, pixels: [1, 0, 0]), to: root + "/red.png")
        let natural = try ImageFolderDataset(root: tmp.file("set"))
        XCTAssertEqual(natural.sampleShape.channels, 3)
        XCTAssertTrue(natural.hasColourImages)
        let grey = try ImageFolderDataset(root: tmp.file("set"), options: .init(channels: 1))
        XCTAssertEqual(grey.sampleShape.channels, 1)
        XCTAssertTrue(grey.hasColourImages)
        XCTAssertEqual(try grey.sample(at: 0).image.pixels[0], 0.299, accuracy: 1e-6)  // BT.601 luma of red
    }
}
