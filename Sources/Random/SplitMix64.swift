/// A small, fast, seedable generator (Steele, Lea & Flood 2014, "Fast splittable pseudorandom
/// number generators"). Every random draw in workbench comes from one of these, passed in —
/// never from global state.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable, Codable {
    /// The whole state: recording it records the stream's position exactly.
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output finaliser (a strong 64-bit mixing function).
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent stream derived from this generator's seed and a path of keys, without
    /// advancing this one: `root.derived(Stream.augment, epoch, index)` depends only on the seed
    /// and the keys, so one consumer never shifts another.
    public func derived(_ keys: UInt64...) -> SplitMix64 { derived(keys) }

    public func derived(_ keys: [UInt64]) -> SplitMix64 {
        var h = SplitMix64.mix(state ^ 0x6A09_E667_F3BC_C909)
        for key in keys { h = SplitMix64.mix(h &+ SplitMix64.mix(key &+ 0x9E37_79B9_7F4A_7C15)) }
        return SplitMix64(seed: h)
    }

    /// A float uniformly distributed in [0, 1), from the top 24 bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A double uniformly distributed in [0, 1), from the top 53 bits.
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A float uniformly distributed in [low, high).
    public mutating func nextFloat(in low: Float, _ high: Float) -> Float { low + (high - low) * nextFloat() }

    /// A standard normal draw (Box–Muller; one draw per call, deterministic in the stream).
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextDouble()  // (0, 1]
        let u2 = nextDouble()
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }

    /// An integer uniformly distributed in 0..<bound (Lemire's nearly-divisionless method).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        return Int(next(upperBound: UInt64(bound)))
    }
}

/// Named stream keys, so every consumer of randomness derives its own independent stream.
public enum RandomStream: UInt64 {
    case initialisation = 1, shuffle, augmentation, dropout, split, sweep, sampler
}
