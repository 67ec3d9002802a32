import Foundation
import XCTest

/// Runs the built `workbench` executable (it sits next to the test bundle in `.build/<config>/`).
enum BuiltBinary {
    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    static var url: URL {
        let candidates = [
            Bundle.main.executableURL, Bundle(for: Marker.self).bundleURL,
            URL(fileURLWithPath: CommandLine.arguments[0]),
        ].compactMap { $0 }
        for candidate in candidates {
            var dir = candidate.deletingLastPathComponent()
            for _ in 0..<3 {
                let exe = dir.appendingPathComponent("workbench")
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: exe.path, isDirectory: &isDir), !isDir.boolValue {
                    return exe
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        fatalError("built workbench executable not found near \(candidates)")
    }

    /// Starts `workbench arguments` in `directory` without waiting.
    static func start(_ arguments: [String], in directory: URL? = nil) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs `workbench arguments` to completion and returns its status and output.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let (process, out, err) = try start(arguments, in: directory)
        return finish(process, out, err)
    }

    static func finish(_ process: Process, _ out: Pipe, _ err: Pipe) -> Result {
        // Read both pipes before waiting so a chatty child never blocks on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
            err: String(decoding: errData, as: UTF8.self))
    }

    private final class Marker {}
}

/// A fresh temporary folder, removed by the caller.
func makeTemporaryDirectory(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("workbench-\(safe)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
