/// The element types an IDX file can hold (LeCun et al., "THE MNIST DATABASE", file-format
/// section): the third magic byte selects one. Stored big-endian in the file, native in memory.
///
/// | code | type    | bytes |
/// |------|---------|-------|
/// | 0x08 | uint8   | 1     |
/// | 0x09 | int8    | 1     |
/// | 0x0B | int16   | 2     |
/// | 0x0C | int32   | 4     |
/// | 0x0D | float32 | 4     |
/// | 0x0E | float64 | 8     |
public struct IDXElementType: Hashable, Sendable, CustomStringConvertible {
    /// The type code in the magic number.
    public let code: UInt8
    /// Name as in the table above.
    public let name: String
    /// Bytes per element.
    public let byteWidth: Int
    /// Whether elements are integers (otherwise IEEE floats).
    public let isInteger: Bool

    public static let uint8 = IDXElementType(code: 0x08, name: "uint8", byteWidth: 1, isInteger: true)
    public static let int8 = IDXElementType(code: 0x09, name: "int8", byteWidth: 1, isInteger: true)
    public static let int16 = IDXElementType(code: 0x0B, name: "int16", byteWidth: 2, isInteger: true)
    public static let int32 = IDXElementType(code: 0x0C, name: "int32", byteWidth: 4, isInteger: true)
    public static let float32 = IDXElementType(code: 0x0D, name: "float32", byteWidth: 4, isInteger: false)
    public static let float64 = IDXElementType(code: 0x0E, name: "float64", byteWidth: 8, isInteger: false)

    /// Every element type, in code order: the table readers look codes up in.
    public static let all: [IDXElementType] = [.uint8, .int8, .int16, .int32, .float32, .float64]

    /// The element type for a magic-number code, or nil when the code is not in the table.
    public init?(code: UInt8) {
        guard let found = IDXElementType.all.first(where: { $0.code == code }) else { return nil }
        self = found
    }

    private init(code: UInt8, name: String, byteWidth: Int, isInteger: Bool) {
        self.code = code
        self.name = name
        self.byteWidth = byteWidth
        self.isInteger = isInteger
    }

    public var description: String { name }
}

/// A Swift type that can be an IDX element: ties `UInt8`, `Int8`, `Int16`, `Int32`, `Float`
/// and `Double` to their table entries.
public protocol IDXElement: Sendable {
    static var idxType: IDXElementType { get }
    /// The value as a double (exact for every IDX type).
    var doubleValue: Double { get }
}

extension UInt8: IDXElement {
    public static var idxType: IDXElementType { .uint8 }
    public var doubleValue: Double { Double(self) }
}
extension Int8: IDXElement {
    public static var idxType: IDXElementType { .int8 }
    public var doubleValue: Double { Double(self) }
}
extension Int16: IDXElement {
    public static var idxType: IDXElementType { .int16 }
    public var doubleValue: Double { Double(self) }
}
extension Int32: IDXElement {
    public static var idxType: IDXElementType { .int32 }
    public var doubleValue: Double { Double(self) }
}
extension Float: IDXElement {
    public static var idxType: IDXElementType { .float32 }
    public var doubleValue: Double { Double(self) }
}
extension Double: IDXElement {
    public static var idxType: IDXElementType { .float64 }
    public var doubleValue: Double { self }
}
