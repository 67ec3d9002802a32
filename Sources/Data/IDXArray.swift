/// An n-dimensional array in the IDX format of the MNIST files (LeCun et al. 1998): a magic
/// number `00 00 TYPE NDIMS`, NDIMS big-endian 32-bit sizes, then the elements in row-major order.
///
/// The payload is kept compactly as raw bytes in host byte order (`uint8` images stay one byte per
/// pixel); typed and float views are computed on demand. Reading is in `IDXArray+Read.swift`,
/// writing in `IDXArray+Write.swift`.
public struct IDXArray: Sendable, Equatable {
    /// Element type from the magic number.
    public let elementType: IDXElementType
    /// Sizes along each axis, outermost first (e.g. `[60000, 28, 28]`).
    public let dimensions: [Int]
    /// `elementCount * elementType.byteWidth` bytes, host byte order.
    public let bytes: [UInt8]

    /// Wraps raw host-order bytes. Mismatched sizes are a programmer mistake and trap.
    public init(elementType: IDXElementType, dimensions: [Int], hostOrderBytes: [UInt8]) {
        precondition(!dimensions.isEmpty && dimensions.allSatisfy { $0 >= 0 },
                     "IDX dimensions must be one or more non-negative sizes, got \(dimensions)")
        let expected = dimensions.reduce(1, *) * elementType.byteWidth
        precondition(hostOrderBytes.count == expected,
                     "IDX \(elementType) \(dimensions) needs \(expected) bytes, got \(hostOrderBytes.count)")
        self.elementType = elementType
        self.dimensions = dimensions
        self.bytes = hostOrderBytes
    }

    /// An array of typed values, e.g. `IDXArray(dimensions: [2, 3], values: [UInt8](...))`.
    public init<T: IDXElement>(dimensions: [Int], values: [T]) {
        precondition(values.count == dimensions.reduce(1, *),
                     "IDX dimensions \(dimensions) need \(dimensions.reduce(1, *)) values, got \(values.count)")
        let raw = values.withUnsafeBytes { [UInt8]($0) }
        self.init(elementType: T.idxType, dimensions: dimensions, hostOrderBytes: raw)
    }

    /// Number of elements (product of the dimensions).
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// Number of items along the first axis (images in an image file, labels in a label file).
    public var itemCount: Int { dimensions[0] }

    /// Elements per item (product of all but the first dimension; 1 for a rank-1 array).
    public var elementsPerItem: Int { dimensions.dropFirst().reduce(1, *) }

    /// All elements typed; `T` must match `elementType` (a mismatch traps).
    public func values<T: IDXElement>(as type: T.Type) -> [T] {
        precondition(T.idxType == elementType, "IDX array holds \(elementType), asked for \(T.idxType)")
        return [T](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
            bytes.withUnsafeBytes { raw in UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
            initialized = elementCount
        }
    }

    /// Element at flat (row-major) index, as a double (exact for every IDX type).
    public subscript(flat index: Int) -> Double {
        precondition(index >= 0 && index < elementCount, "IDX flat index \(index) outside 0..<\(elementCount)")
        return bytes.withUnsafeBytes { raw in
            let offset = index * elementType.byteWidth
            switch elementType {
            case .uint8: return Double(raw[offset])
            case .int8: return Double(raw.load(fromByteOffset: offset, as: Int8.self))
            case .int16: return Double(raw.load(fromByteOffset: offset, as: Int16.self))
            case .int32: return Double(raw.load(fromByteOffset: offset, as: Int32.self))
            case .float32: return Double(raw.load(fromByteOffset: offset, as: Float.self))
            default: return raw.load(fromByteOffset: offset, as: Double.self)
            }
        }
    }

    /// Elements `range` (flat indices) as floats, scaled as the network sees them: `uint8` divided
    /// by 255 into [0, 1]; every other type taken as is (float files are assumed already scaled).
    public func scaledFloats(_ range: Range<Int>) -> [Float] {
        precondition(range.lowerBound >= 0 && range.upperBound <= elementCount,
                     "IDX range \(range) outside 0..<\(elementCount)")
        return [Float](unsafeUninitializedCapacity: range.count) { out, initialized in
            bytes.withUnsafeBytes { raw in
                switch elementType {
                case .uint8: Self.convert(raw, UInt8.self, range, out) { Float($0) / 255 }
                case .int8: Self.convert(raw, Int8.self, range, out) { Float($0) }
                case .int16: Self.convert(raw, Int16.self, range, out) { Float($0) }
                case .int32: Self.convert(raw, Int32.self, range, out) { Float($0) }
                case .float32: Self.convert(raw, Float.self, range, out) { $0 }
                default: Self.convert(raw, Double.self, range, out) { Float($0) }
                }
            }
            initialized = range.count
        }
    }

    /// Scaled floats of item `index` along the first axis (see `scaledFloats(_:)`).
    public func scaledFloats(item index: Int) -> [Float] {
        precondition(index >= 0 && index < itemCount, "IDX item \(index) outside 0..<\(itemCount)")
        let n = elementsPerItem
        return scaledFloats(index * n ..< (index + 1) * n)
    }

    @inline(__always)
    private static func convert<T>(_ raw: UnsafeRawBufferPointer, _: T.Type, _ range: Range<Int>,
                                   _ out: UnsafeMutableBufferPointer<Float>, _ f: (T) -> Float) {
        let width = MemoryLayout<T>.stride
        for (j, i) in range.enumerated() {
            out[j] = f(raw.loadUnaligned(fromByteOffset: i * width, as: T.self))
        }
    }
}
