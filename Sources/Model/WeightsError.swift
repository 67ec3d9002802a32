/// A failure of the outside world while reading or writing weight, optimizer-state or checkpoint
/// files: it names the file and says what was expected and what was found.
public struct WeightsError: Error, CustomStringConvertible, Equatable {
    /// The file (or folder) concerned.
    public var path: String
    /// What went wrong, with expected and found values.
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
