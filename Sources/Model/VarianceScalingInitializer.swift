import WorkbenchRandom

/// Draws weights with a variance set by the layer's fan-in and fan-out: the LeCun, Xavier/Glorot
/// and He/Kaiming initialisers, each from a uniform or a normal distribution.
///
/// | rule   | variance             | source                                   |
/// | ------ | -------------------- | ---------------------------------------- |
/// | lecun  | 1 / fan_in           | LeCun et al. 1998, "Efficient BackProp"  |
/// | xavier | 2 / (fan_in+fan_out) | Glorot & Bengio 2010                     |
/// | he     | 2 / fan_in           | He et al. 2015, "Delving Deep into ..."  |
///
/// The uniform form draws from U(-a, a) with a = sqrt(3·var); the normal form draws from
/// N(0, var), not truncated (PyTorch `init.*_normal_` semantics; Keras truncates instead).
/// For a convolution, fan_in = C_in·kH·kW and fan_out = C_out·kH·kW, as the caller passes them.
public struct VarianceScalingInitializer: WeightInitializer, Equatable, Sendable {
    /// Which fan the variance is scaled by.
    public enum Rule: String, Sendable { case lecun, xavier, he }
    /// The distribution the weights are drawn from.
    public enum Distribution: String, Sendable { case uniform, normal }

    public var rule: Rule
    public var distribution: Distribution

    public init(rule: Rule, distribution: Distribution) {
        self.rule = rule
        self.distribution = distribution
    }

    /// The target variance of every weight for the given fans.
    public func variance(fanIn: Int, fanOut: Int) -> Double {
        precondition(fanIn > 0 && fanOut > 0, "fans must be positive, got fanIn \(fanIn), fanOut \(fanOut)")
        switch rule {
        case .lecun: return 1.0 / Double(fanIn)
        case .xavier: return 2.0 / Double(fanIn + fanOut)
        case .he: return 2.0 / Double(fanIn)
        }
    }

    public func fill(_ tensor: inout Tensor, fanIn: Int, fanOut: Int, rng: inout SplitMix64) {
        let variance = variance(fanIn: fanIn, fanOut: fanOut)
        switch distribution {
        case .uniform:
            let limit = (3.0 * variance).squareRoot()
            for i in tensor.storage.indices {
                tensor.storage[i] = Float((2.0 * rng.nextDouble() - 1.0) * limit)
            }
        case .normal:
            let deviation = variance.squareRoot()
            for i in tensor.storage.indices {
                tensor.storage[i] = Float(rng.nextGaussian() * deviation)
            }
        }
    }
}

extension WeightInitializer where Self == VarianceScalingInitializer {
    public static var lecunUniform: Self { .init(rule: .lecun, distribution: .uniform) }
    public static var lecunNormal: Self { .init(rule: .lecun, distribution: .normal) }
    public static var xavierUniform: Self { .init(rule: .xavier, distribution: .uniform) }
    public static var xavierNormal: Self { .init(rule: .xavier, distribution: .normal) }
    public static var heUniform: Self { .init(rule: .he, distribution: .uniform) }
    public static var heNormal: Self { .init(rule: .he, distribution: .normal) }
}
