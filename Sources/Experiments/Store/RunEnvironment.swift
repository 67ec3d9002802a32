import Foundation
import WorkbenchModel

/// Where and with what a run ran: recorded in meta.json and compared by `workbench diff`.
public struct RunEnvironment: Codable, Equatable {
    public var host: String
    public var os: String
    public var cpu: String
    public var cores: Int
    /// Threads the trainer was told to use (training.threads).
    public var threads: Int
    /// The compiler that built this binary, known at compile time only to the minor version.
    public var swiftCompiler: String
    public var workbenchVersion: String
    /// `git rev-parse HEAD` (plus "-dirty" with uncommitted changes) of the source folder this binary
    /// was built from, read when the run starts; "unknown" when that folder or git is not there.
    public var workbenchCommit: String
    /// The OpenBLAS kernel family in use (`openblas_get_corename()`, see `BLASKernelChoice`): results are
    /// bit-identical only with the same kernel. Nil in runs recorded before it was kept.
    public var blasCore: String? = nil

    enum CodingKeys: String, CodingKey {
        case host, os, cpu, cores, threads, swiftCompiler, workbenchVersion, workbenchCommit, blasCore
    }

    public init(
        host: String, os: String, cpu: String, cores: Int, threads: Int, swiftCompiler: String,
        workbenchVersion: String, workbenchCommit: String, blasCore: String? = nil
    ) {
        self.host = host
        self.os = os
        self.cpu = cpu
        self.cores = cores
        self.threads = threads
        self.swiftCompiler = swiftCompiler
        self.workbenchVersion = workbenchVersion
        self.workbenchCommit = workbenchCommit
        self.blasCore = blasCore
    }

    /// Decodes meta.json's `environment`, checking types and counts (see `JSONFieldError`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.checked(String.self, .host, expected: "a string")
        os = try c.checked(String.self, .os, expected: "a string")
        cpu = try c.checked(String.self, .cpu, expected: "a string")
        cores = try c.integer(.cores, in: 0...Int.max)
        threads = try c.integer(.threads, in: 0...Int.max)
        swiftCompiler = try c.checked(String.self, .swiftCompiler, expected: "a string")
        workbenchVersion = try c.checked(String.self, .workbenchVersion, expected: "a string")
        workbenchCommit = try c.checked(String.self, .workbenchCommit, expected: "a string")
        blasCore = try c.checkedIfPresent(String.self, .blasCore, expected: "a string")
    }

    /// The environment of this process.
    public static func current(threads: Int) -> RunEnvironment {
        RunEnvironment(
            host: ProcessInfo.processInfo.hostName, os: operatingSystem(), cpu: cpuModel(),
            cores: ProcessInfo.processInfo.activeProcessorCount, threads: threads,
            swiftCompiler: compilerVersion, workbenchVersion: Workbench.version,
            workbenchCommit: sourceCommit(), blasCore: BLASInfo.coreName)
    }

    static var compilerVersion: String {
        #if compiler(>=6.4)
            return "Swift compiler >= 6.4"
        #elseif compiler(>=6.3)
            return "Swift compiler 6.3.x"
        #elseif compiler(>=6.2)
            return "Swift compiler 6.2.x"
        #elseif compiler(>=6.1)
            return "Swift compiler 6.1.x"
        #elseif compiler(>=6.0)
            return "Swift compiler 6.0.x"
        #else
            return "Swift compiler < 6.0"
        #endif
    }

    static func operatingSystem() -> String {
        var name = utsname()
        uname(&name)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        var pretty = ""
        if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
            let line = release.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") })
        {
            pretty =
                line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                + ", "
        }
        return "\(pretty)\(text(name.sysname)) \(text(name.release)) \(text(name.machine))"
    }

    static func cpuModel() -> String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        else { return "unknown" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// The commit of the package this file was compiled from, if that checkout is still present.
    static func sourceCommit() -> String {
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // Store
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: sourceRoot.appendingPathComponent(".git").path),
            let head = git(["rev-parse", "HEAD"], in: sourceRoot), head.count == 40
        else { return "unknown" }
        let dirty =
            git(["status", "--porcelain", "--untracked-files=no"], in: sourceRoot).map { !$0.isEmpty }
            ?? false
        return dirty ? head + "-dirty" : head
    }

    private static func git(_ arguments: [String], in directory: URL) -> String? {
        for candidate in ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: candidate)
            process.arguments = ["-C", directory.path] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return nil
    }
}
