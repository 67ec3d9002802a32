import Foundation

/// Creating folders (`mkdir -p`) with errors that say which part of the path is in the way and why,
/// instead of Foundation's "The operation could not be completed (NSCocoaErrorDomain error 512)".
enum Folders {
    /// Creates `url` and any missing parents; `what` names the folder in errors ("the run store").
    static func create(_ url: URL, what: String) throws {
        let target = url.standardizedFileURL.path
        func failure(_ reason: String) -> CLIError { .failure("\(target): cannot create \(what): \(reason)") }
        var path = ""
        for component in URL(fileURLWithPath: target).pathComponents {
            path = component == "/" ? "/" : (path == "/" ? "/" : path + "/") + component
            var info = stat()
            if stat(path, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw failure("\(path) is a file, not a folder")
                }
                continue
            }
            guard errno == ENOENT else {
                throw failure("cannot look at \(path): \(String(cString: strerror(errno)))")
            }
            if mkdir(path, 0o755) != 0, errno != EEXIST {
                let reason = String(cString: strerror(errno))
                let parent = (path as NSString).deletingLastPathComponent
                throw failure(
                    errno == EACCES || errno == EROFS || errno == EPERM
                        ? "cannot make \(path) in \(parent): \(reason)" : "cannot make \(path): \(reason)")
            }
        }
    }
}
