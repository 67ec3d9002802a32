import Foundation
import XCTest
@testable import WorkbenchData

final class ImageFolderDatasetTests: XCTestCase {
    private func makeFolder(_ tmp: TemporaryFolder, _ name: String) -> String {
        let path = tmp.file(name)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func grey(_ w: Int, _ h: Int, _ value: Float) -> Image {
        Image(channels: 1, height: h, width: w, fill: value)
    }

    func testClassesSortedFilesSortedNonPNGIgnoredDecodeLazily() throws {
        let tmp = TemporaryFolder()
        _ = makeFolder(tmp, "root/shirt")
        _ = makeFolder(tmp, "root/boot")
        _ = makeFolder(tmp, "root/.hidden")
        try PNG.write(grey(3, 2, 0.2), to: tmp.file("root/shirt/b.png"))
        try PNG.write(grey(3, 2, 0.4), to: tmp.file("root/shirt/A.PNG"))
        try PNG.write(grey(3, 2, 0.6), to: tmp.file("root/boot/x.png"))
        tmp.write(Array("notes".utf8), to: "root/shirt/readme.txt")
        tmp.write([0, 1, 2], to: "root/shirt/._b.png")
        tmp.write([0, 1, 2], to: "root/stray.png")
        let data = try ImageFolderDataset(root: tmp.file("root"))
        XCTAssertEqual(data.classNames, ["boot", "shirt"])
        XCTAssertEqual(data.labelOfClass, ["boot": 0, "shirt": 1])
        XCTAssertEqual(data.entries.map { ($0.path as NSString).lastPathComponent }, ["x.png", "A.PNG", "b.png"])
        XCTAssertEqual(data.entries.map(\.label), [0, 1, 1])
        XCTAssertEqual(data.count, 3)
        XCTAssertEqual(data.sampleShape.channels, 1)
        XCTAssertEqual(data.sampleShape.height, 2)
        XCTAssertEqual(data.sampleShape.width, 3)
        let s = try data.sample(at: 1)
        XCTAssertEqual(s.label, 1)
        XCTAssertEqual(s.image.pixels, [Float](repeating: 102 / 255, count: 6))
        // Lazy: a file damaged after opening fails only when its sample is decoded.
        tmp.write([0x89, 0x50], to: "root/boot/x.png")
        assertDataError([tmp.file("root/boot/x.png")]) { _ = try data.sample(at: 0) }
        XCTAssertNoThrow(try data.sample(at: 2))
    }

    func testChannelsOption() throws {
        let tmp = TemporaryFolder()
        _ = makeFolder(tmp, "r/a")
        let rgb = Image(channels: 3, height: 1, width: 2, pixels: [1, 0, 0, 1, 0, 0])
        try PNG.write(rgb, to: tmp.file("r/a/c.png"))
        try PNG.write(grey(2, 1, 1), to: tmp.file("r/a/g.png"))
        let auto = try ImageFolderDataset(root: tmp.file("r"))
        XCTAssertEqual(auto.sampleShape.channels, 3)
        XCTAssertEqual(try auto.sample(at: 1).image.pixels, [1, 1, 1, 1, 1, 1])
        let greyData = try ImageFolderDataset(root: tmp.file("r"), options: .init(channels: 1))
        XCTAssertEqual(try greyData.sample(at: 0).image.pixels, [0.299, 0.587])
    }

    func testDifferentSizesReportedAtOpenUnlessResizing() throws {
        let tmp = TemporaryFolder()
        _ = makeFolder(tmp, "r/a")
        _ = makeFolder(tmp, "r/b")
        try PNG.write(grey(4, 4, 0.5), to: tmp.file("r/a/1.png"))
        try PNG.write(grey(2, 3, 0.5), to: tmp.file("r/b/odd.png"))
        assertDataError([tmp.file("r/b/odd.png"), "2×3", tmp.file("r/a/1.png"), "4×4", "resize"]) {
            _ = try ImageFolderDataset(root: tmp.file("r"))
        }
        let resized = try ImageFolderDataset(root: tmp.file("r"), options: .init(resize: (height: 5, width: 6)))
        XCTAssertEqual(resized.sampleShape.height, 5)
        XCTAssertEqual(resized.sampleShape.width, 6)
        let image = try resized.sample(at: 1).image
        XCTAssertEqual(image.height, 5)
        XCTAssertEqual(image.width, 6)
        XCTAssertEqual(image.pixels, [Float](repeating: 128 / 255, count: 30))
    }

    func testFolderErrors() throws {
        let tmp = TemporaryFolder()
        assertDataError([tmp.file("nope"), "no such folder"]) { _ = try ImageFolderDataset(root: tmp.file("nope")) }
        _ = makeFolder(tmp, "flat")
        tmp.write([1], to: "flat/x.png")
        assertDataError([tmp.file("flat"), "expected class folders", "found none"]) {
            _ = try ImageFolderDataset(root: tmp.file("flat"))
        }
        _ = makeFolder(tmp, "r/full")
        _ = makeFolder(tmp, "r/empty")
        try PNG.write(grey(1, 1, 0), to: tmp.file("r/full/a.png"))
        tmp.write(Array("x".utf8), to: "r/empty/a.jpg")
        assertDataError([tmp.file("r/empty"), "no .png files"]) { _ = try ImageFolderDataset(root: tmp.file("r")) }
        try FileManager.default.removeItem(atPath: tmp.file("r/empty"))
        tmp.write([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4], to: "r/full/b.png")
        assertDataError([tmp.file("r/full/b.png"), "not a PNG file", "JPEG"]) {
            _ = try ImageFolderDataset(root: tmp.file("r"))
        }
    }

    func testBilinearResizeHandComputed() {
        let row = Image(channels: 1, height: 1, width: 2, pixels: [0, 1])
        XCTAssertEqual(BilinearResize.resize(row, height: 1, width: 4).pixels, [0, 0.25, 0.75, 1])
        let square = Image(channels: 1, height: 2, width: 2, pixels: [0, 1, 2, 3])
        // Down to 1×1: samples the centre (0.5, 0.5) → mean of the four.
        XCTAssertEqual(BilinearResize.resize(square, height: 1, width: 1).pixels, [1.5])
        XCTAssertEqual(BilinearResize.resize(square, height: 2, width: 2), square)
        let up = BilinearResize.resize(square, height: 4, width: 4)
        XCTAssertEqual(up[0, 0, 0], 0)
        // The image is the linear function x + 2y, so bilinear samples at (0.25, 0.25) and (0.25, 0.75) are exact.
        XCTAssertEqual(up[0, 1, 1], 0.75)
        XCTAssertEqual(up[0, 2, 1], 1.75)
        XCTAssertEqual(up[0, 3, 3], 3)
    }
}
