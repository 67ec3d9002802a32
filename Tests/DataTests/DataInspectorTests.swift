import Foundation
import XCTest
@testable import WorkbenchData

final class DataInspectorTests: XCTestCase {
    func testIDXImagesAndLabelsReports() throws {
        let tmp = TemporaryFolder()
        // Two 1×2 images: values 0, 255, 51, 102 → [0, 1, 0.2, 0.4]: mean 0.4, population std √0.14.
        try IDXArray(dimensions: [2, 1, 2], values: [UInt8(0), 255, 51, 102]).write(to: tmp.file("img.gz"))
        let images = try DataInspector.inspect(path: tmp.file("img.gz"))
        XCTAssertEqual(images.kind, .idxImages)
        XCTAssertEqual(images.count, 2)
        XCTAssertEqual(images.shape, [2, 1, 2])
        XCTAssertEqual(images.elementType, "uint8")
        XCTAssertEqual(images.channels, 1)
        XCTAssertEqual(images.minimum, 0)
        XCTAssertEqual(images.maximum, 1)
        XCTAssertEqual(images.mean, 0.4, accuracy: 1e-12)
        XCTAssertEqual(images.std, 0.14.squareRoot(), accuracy: 1e-12)
        XCTAssertTrue(images.text.contains("kind:         IDX images"), images.text)
        XCTAssertTrue(images.text.contains("mean:         0.4\n"), images.text)

        try IDXArray(dimensions: [5], values: [UInt8(3), 1, 3, 3, 0]).write(to: tmp.file("labels"))
        let labels = try DataInspector.inspect(path: tmp.file("labels"))
        XCTAssertEqual(labels.kind, .idxLabels)
        XCTAssertEqual(labels.classes, [.init(name: "0", count: 1), .init(name: "1", count: 1), .init(name: "3", count: 3)])
        XCTAssertEqual(labels.maximum, 3)
        XCTAssertEqual(labels.mean, 2)
        XCTAssertTrue(labels.text.contains("  3:"), labels.text)

        try IDXArray(dimensions: [3], values: [Int16(-1), 5, 5]).write(to: tmp.file("i16"))
        let wide = try DataInspector.inspect(path: tmp.file("i16"))
        XCTAssertEqual(wide.classes, [.init(name: "-1", count: 1), .init(name: "5", count: 2)])
        XCTAssertEqual(wide.elementType, "int16")
        XCTAssertEqual(wide.mean, 3)
    }

    func testPNGAndFolderReports() throws {
        let tmp = TemporaryFolder()
        let spec = PNGShim.WriteSpec(width: 2, height: 1, bitDepth: 16, colorType: .rgb)
        let png = try PNGFixtures.write(tmp, "x.png", spec: spec, samples: [0, 65535, 0, 65535, 65535, 65535])
        let report = try DataInspector.inspect(path: png)
        XCTAssertEqual(report.kind, .png)
        XCTAssertEqual(report.shape, [3, 1, 2])
        XCTAssertEqual(report.bitDepth, 16)
        XCTAssertEqual(report.colorType, "RGB")
        XCTAssertEqual(report.elementType, "uint16")
        XCTAssertEqual(report.mean, 4.0 / 6, accuracy: 1e-12)

        try FileManager.default.createDirectory(atPath: tmp.file("f/a"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tmp.file("f/b"), withIntermediateDirectories: true)
        try PNG.write(Image(channels: 1, height: 1, width: 1, fill: 1), to: tmp.file("f/a/1.png"))
        try PNG.write(Image(channels: 1, height: 1, width: 1, fill: 0), to: tmp.file("f/b/1.png"))
        try PNG.write(Image(channels: 1, height: 1, width: 1, fill: 0), to: tmp.file("f/b/2.png"))
        let folder = try DataInspector.inspect(path: tmp.file("f"))
        XCTAssertEqual(folder.kind, .imageFolder)
        XCTAssertEqual(folder.count, 3)
        XCTAssertEqual(folder.classes, [.init(name: "a", count: 1), .init(name: "b", count: 2)])
        XCTAssertEqual(folder.mean, 1.0 / 3, accuracy: 1e-12)

        let html = tmp.write(Array("<html></html>".utf8), to: "page")
        assertDataError([html, "looks like HTML"]) { _ = try DataInspector.inspect(path: html) }
        assertDataError([tmp.file("none"), "no such file"]) { _ = try DataInspector.inspect(path: tmp.file("none")) }
    }

    func testValuesCSVRowsAndInterleavedChannels() throws {
        let tmp = TemporaryFolder()
        try IDXArray(dimensions: [2, 2, 3], values: [UInt8](0 ..< 6) + [255, 0, 51, 102, 0, 255]).write(to: tmp.file("i"))
        XCTAssertEqual(try DataInspector.valuesCSV(path: tmp.file("i"), index: 1), "1.0,0.0,0.2\n0.4,0.0,1.0\n")
        assertDataError([tmp.file("i"), "index 2 out of range"]) { _ = try DataInspector.valuesCSV(path: tmp.file("i"), index: 2) }
        let rgb = Image(channels: 3, height: 1, width: 2, pixels: [1, 0, 0, 1, 0, 0])  // R plane, G plane, B plane
        try PNG.write(rgb, to: tmp.file("rgb.png"))
        XCTAssertEqual(try DataInspector.valuesCSV(path: tmp.file("rgb.png")), "1.0,0.0,0.0,0.0,1.0,0.0\n")
    }

    func testGridTilesImages() throws {
        let tmp = TemporaryFolder()
        let values: [UInt8] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]
        try IDXArray(dimensions: [3, 2, 2], values: values).write(to: tmp.file("i"))
        let drawn = try DataInspector.writeGrid(from: tmp.file("i"), count: 5, to: tmp.file("grid.png"))
        XCTAssertEqual(drawn, 3)
        let grid = try PNG.decode(path: tmp.file("grid.png"))
        // 3 images → 2 columns, 2 rows; 2×2 tiles with 1 px padding: 7×7.
        XCTAssertEqual(grid.width, 7)
        XCTAssertEqual(grid.height, 7)
        XCTAssertEqual(grid[0, 0, 0], 0)
        XCTAssertEqual(grid[0, 1, 1], 10 / 255)
        XCTAssertEqual(grid[0, 2, 2], 40 / 255)
        XCTAssertEqual(grid[0, 1, 4], 50 / 255)
        XCTAssertEqual(grid[0, 4, 1], 90 / 255)
        XCTAssertEqual(grid[0, 5, 5], 0)
    }

    func testExportToImageFolderRoundTrips() throws {
        let tmp = TemporaryFolder()
        let n = 12
        let pixels = PNGFixtures.pattern(count: n * 3 * 4, maxValue: 255).map { UInt8($0) }
        let labels = (0 ..< n).map { UInt8($0 % 11) }
        try IDXArray(dimensions: [n, 3, 4], values: pixels).write(to: tmp.file("img"))
        try IDXArray(dimensions: [n], values: labels).write(to: tmp.file("lbl"))
        XCTAssertEqual(try DataInspector.exportImageFolder(imagesPath: tmp.file("img"), labelsPath: tmp.file("lbl"),
                                                           to: tmp.file("out")), n)
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("out/00/00.png")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("out/10/10.png")))
        let original = try IDXDataset(imagesPath: tmp.file("img"), labelsPath: tmp.file("lbl"))
        let folder = try ImageFolderDataset(root: tmp.file("out"))
        XCTAssertEqual(folder.classNames, (0 ... 10).map { String($0).leftPadded(to: 2) })
        var back: [Int: Sample] = [:]
        for i in 0 ..< folder.count {
            let index = Int((folder.entries[i].path as NSString).lastPathComponent.dropLast(4))!
            back[index] = try folder.sample(at: i)
        }
        for i in 0 ..< n { XCTAssertEqual(back[i], try original.sample(at: i), "sample \(i)") }

        let named = (0 ..< 11).map { "c\($0)" }
        try DataInspector.exportImageFolder(imagesPath: tmp.file("img"), labelsPath: tmp.file("lbl"),
                                            to: tmp.file("named"), classNames: named)
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("named/c3/03.png")))
        assertDataError([tmp.file("lbl"), "unique"]) {
            try DataInspector.exportImageFolder(imagesPath: tmp.file("img"), labelsPath: tmp.file("lbl"),
                                                to: tmp.file("dup"), classNames: [String](repeating: "x", count: 11))
        }
    }
}
