import Foundation

/// A resumable training state in one folder: weights and optimizer state as safetensors files,
/// plus the caller's extra state (epoch, step, RNG positions, ...) as JSON.
///
/// | file                             | content                                                 |
/// | -------------------------------- | ------------------------------------------------------- |
/// | `checkpoint.json`                | format, version, generation G, the two file names, `extra` |
/// | `weights-G.safetensors`          | parameters and buffers by name                          |
/// | `optimizer-G.safetensors`        | optimizer state (`<parameter>.<slot>`, `step`)          |
///
/// Saving writes the two tensor files of a new generation (each atomically), then replaces
/// `checkpoint.json` atomically — the commit point — and only then deletes older generations. A crash
/// at any moment leaves `checkpoint.json` naming a complete, consistent set: the previous checkpoint
/// or the new one.
public struct Checkpoint<Extra: Codable> {
    public var weights: [String: Tensor]
    public var optimizerState: [String: Tensor]
    public var extra: Extra
    /// The optimizer state file's name in the folder it was loaded from (nil when not loaded).
    public private(set) var optimizerFile: String?

    public init(weights: [String: Tensor], optimizerState: [String: Tensor], extra: Extra) {
        self.weights = weights
        self.optimizerState = optimizerState
        self.extra = extra
    }

    /// The manifest file's name inside a checkpoint folder.
    public static var manifestName: String { "checkpoint.json" }

    private struct Manifest: Codable {
        var format: String
        var version: Int
        var generation: Int
        var weights: String
        var optimizer: String
        var extra: Extra
    }

    /// Saves into `directory` (created if missing), replacing any checkpoint there atomically.
    public func save(to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WeightsError(
                path: directory, "cannot create checkpoint folder: \(error.localizedDescription)")
        }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let generation = (existing.compactMap(Self.generation(ofFile:)).max() ?? 0) + 1
        let manifest = Manifest(
            format: "workbench-checkpoint", version: 1, generation: generation,
            weights: "weights-\(generation).safetensors",
            optimizer: "optimizer-\(generation).safetensors", extra: extra)
        try Safetensors.write(weights, to: directory + "/" + manifest.weights)
        try Safetensors.write(optimizerState, to: directory + "/" + manifest.optimizer)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json: Data
        do {
            json = try encoder.encode(manifest)
        } catch {
            throw WeightsError(
                path: directory + "/" + Self.manifestName, "cannot encode extra state: \(error)")
        }
        try AtomicFileWriter.write(
            [UInt8](json) + [UInt8(ascii: "\n")], to: directory + "/" + Self.manifestName)
        for name in existing where Self.generation(ofFile: name).map({ $0 != generation }) ?? false {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// Saves into the folder `url`; see `save(to:)`.
    public func save(to url: URL) throws { try save(to: url.path) }

    /// Loads the checkpoint in the folder `url`; see `load(from:)`.
    public static func load(from url: URL) throws -> Checkpoint { try load(from: url.path) }

    /// Loads the checkpoint in `directory`, checking that every optimizer state tensor belongs to a
    /// weight of the same shape.
    public static func load(from directory: String) throws -> Checkpoint {
        let manifestPath = directory + "/" + manifestName
        let data: Data
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw WeightsError(
                path: manifestPath,
                "expected the checkpoint manifest (format, generation, the weights and optimizer file names,"
                    + " extra state), found no such file")
        }
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
        } catch {
            throw WeightsError(
                path: manifestPath, "cannot read checkpoint manifest: \(error.localizedDescription)")
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw WeightsError(
                path: manifestPath, "not a valid checkpoint manifest: \(describe(error, in: data))")
        }
        guard manifest.format == "workbench-checkpoint", manifest.version == 1 else {
            throw WeightsError(
                path: manifestPath,
                "expected format workbench-checkpoint version 1, found "
                    + "\(manifest.format) version \(manifest.version)")
        }
        for name in [manifest.weights, manifest.optimizer] where name.contains("/") || name.hasPrefix(".") {
            throw WeightsError(
                path: manifestPath, "file name '\(name)' must be a plain name inside the folder")
        }
        let weights = try Safetensors.read(from: directory + "/" + manifest.weights).tensors
        let optimizerPath = directory + "/" + manifest.optimizer
        let state = try Safetensors.read(from: optimizerPath).tensors
        for (key, tensor) in state where key != "step" {
            let owner = key.lastIndex(of: ".").map { String(key[..<$0]) } ?? key
            guard let weight = weights[owner] else {
                throw WeightsError(
                    path: optimizerPath, "state '\(key)' belongs to no weight in \(manifest.weights)")
            }
            guard weight.shape == tensor.shape else {
                throw WeightsError(
                    path: optimizerPath,
                    "state '\(key)' has shape \(tensor.shape), expected "
                        + "\(weight.shape) like weight '\(owner)'")
            }
        }
        var checkpoint = Checkpoint(weights: weights, optimizerState: state, extra: manifest.extra)
        checkpoint.optimizerFile = manifest.optimizer
        return checkpoint
    }

    /// G for `weights-G.safetensors` / `optimizer-G.safetensors`, else nil.
    private static func generation(ofFile name: String) -> Int? {
        for prefix in ["weights-", "optimizer-"]
        where name.hasPrefix(prefix) && name.hasSuffix(".safetensors") {
            return Int(name.dropFirst(prefix.count).dropLast(".safetensors".count))
        }
        return nil
    }

    /// Foundation reports a value it cannot convert (a step of 1e30 for an Int) as invalid JSON with
    /// no key: find the key by decoding each field of the parsed object on its own.
    private static func describe(_ error: Error, in data: Data) -> String {
        if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty,
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        {
            func fits<T: Decodable>(_ type: T.Type, _ value: Any) -> Bool {
                guard
                    let json = try? JSONSerialization.data(withJSONObject: value, options: .fragmentsAllowed)
                else { return false }
                return (try? JSONDecoder().decode(T.self, from: json)) != nil
            }
            let fields: [(String, String, (Any) -> Bool)] = [
                ("version", "an integer", { fits(Int.self, $0) }),
                ("generation", "an integer", { fits(Int.self, $0) }),
                ("extra", "the trainer's state (\(Extra.self))", { fits(Extra.self, $0) }),
            ]
            for (key, expected, check) in fields {
                if let value = object[key], !check(value) {
                    return "key '\(key)': expected \(expected), found \(value)"
                }
            }
        }
        if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty {
            return syntaxError(in: data)
        }
        if case DecodingError.typeMismatch(_, let context) = error, context.codingPath.isEmpty {
            return "the top level: expected a JSON object, found another kind of value"
        }
        return describe(error)
    }

    /// Where and why `data` is not JSON ("around character N" as a line and column).
    private static func syntaxError(in data: Data) -> String {
        let base = "expected a JSON object, found "
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return base + "an empty file" }
        guard let detail = JSONSyntax.problem(in: data), !detail.isEmpty else { return base + "malformed JSON" }
        return base + "malformed JSON (" + detail + ")"
    }

    private static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "key '\(context.codingPath.map(\.stringValue).joined(separator: "."))': expected \(type)"
        case .dataCorrupted(let context):
            return
                "\(context.debugDescription) at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        @unknown default:
            return "\(error)"
        }
    }
}
