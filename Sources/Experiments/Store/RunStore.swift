import Foundation

/// A folder of run folders. The default store is `runs/` beside the experiment file (for `run`
/// and `sweep`) or `./runs` (for the commands that read runs); `--store DIR` overrides both.
public struct RunStore {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// `--store` if given, else `runs/` in `folder`.
    public static func chosen(_ option: String?, besides folder: URL) -> RunStore {
        if let option { return RunStore(root: URL(fileURLWithPath: option)) }
        return RunStore(root: folder.appendingPathComponent("runs", isDirectory: true))
    }

    /// Makes a new, empty run folder with a fresh id; mkdir is atomic and fails if the folder
    /// exists, so concurrent runs never share one.
    public func createRun(name: String, date: Date = Date()) throws -> RunFolder {
        try Folders.create(root, what: "the run store folder")
        for _ in 0..<64 {
            let url = root.appendingPathComponent(RunID.make(name: name, date: date), isDirectory: true)
            if mkdir(url.path, 0o755) == 0 { return RunFolder(url: url) }
            if errno != EEXIST {
                throw CLIError.failure(
                    "\(url.path): cannot create the run folder: \(String(cString: strerror(errno)))")
            }
        }
        throw CLIError.failure("\(root.path): could not find a free run id after 64 tries")
    }

    /// Throws unless the store folder exists and is a folder (for the commands that read runs).
    public func checkExists() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw CLIError.failure("\(root.path): no such run store folder (give the store with --store DIR)")
        }
        guard isDirectory.boolValue else {
            throw CLIError.failure("\(root.path): expected a run store folder, found a file")
        }
    }

    /// Every run folder (one holding meta.json), sorted by id, i.e. by start time.
    public func runFolders() -> [RunFolder] {
        allFolders().filter { FileManager.default.fileExists(atPath: $0.meta.path) }
    }

    /// Every visible sub-folder, with or without meta.json, sorted by id: what `runs` and `compare`
    /// list, so a run folder whose meta.json is missing (or unreadable) is reported, not hidden.
    public func allFolders() -> [RunFolder] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return [] }
        return names.sorted().filter { !$0.hasPrefix(".") }.compactMap { name in
            var isDirectory: ObjCBool = false
            let url = root.appendingPathComponent(name, isDirectory: true)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
                isDirectory.boolValue
            else { return nil }
            return RunFolder(url: url)
        }
    }

    /// The run named by `reference`: a run folder path, an id, or a unique id prefix.
    public func resolve(_ reference: String) throws -> RunFolder {
        let asPath = URL(fileURLWithPath: reference).standardizedFileURL
        if reference.contains("/") || reference == "." {
            let folder = RunFolder(url: asPath)
            guard FileManager.default.fileExists(atPath: folder.meta.path) else {
                throw CLIError.failure("\(asPath.path): not a run folder (expected a meta.json in it)")
            }
            return folder
        }
        let folders = runFolders()
        if let exact = folders.first(where: { $0.id == reference }) { return exact }
        let matches = folders.filter { $0.id.hasPrefix(reference) }
        switch matches.count {
        case 1: return matches[0]
        case 0:
            if FileManager.default.fileExists(atPath: RunFolder(url: asPath).meta.path) {
                return RunFolder(url: asPath)
            }
            try checkExists()
            // A folder of that name whose meta.json is missing or unreadable: the same error as 'runs'.
            let damaged = allFolders().filter { $0.id == reference || $0.id.hasPrefix(reference) }
            if let folder = damaged.first(where: { $0.id == reference }) ?? (damaged.count == 1 ? damaged[0] : nil) {
                _ = try RunRecord(folder: folder)
                return folder
            }
            throw CLIError.failure(
                "no run '\(reference)' in store \(root.path) (\(folders.count) runs there)")
        default:
            throw CLIError.failure(
                "run prefix '\(reference)' is ambiguous in \(root.path): matches "
                    + matches.map(\.id).joined(separator: ", "))
        }
    }
}
