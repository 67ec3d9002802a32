/// The weight initialisers an experiment file may name, as a table.
///
/// | name             | initialiser                 |
/// | ---------------- | --------------------------- |
/// | `lecun_uniform`  | U(±sqrt(3/fan_in))          |
/// | `lecun_normal`   | N(0, 1/fan_in)              |
/// | `xavier_uniform` | U(±sqrt(6/(fan_in+fan_out)))|
/// | `xavier_normal`  | N(0, 2/(fan_in+fan_out))    |
/// | `he_uniform`     | U(±sqrt(6/fan_in))          |
/// | `he_normal`      | N(0, 2/fan_in)              |
/// | `zeros`          | 0                           |
public enum WeightInitializers {
    public static let table: [(name: String, initializer: any WeightInitializer)] = [
        ("lecun_uniform", VarianceScalingInitializer.lecunUniform),
        ("lecun_normal", VarianceScalingInitializer.lecunNormal),
        ("xavier_uniform", VarianceScalingInitializer.xavierUniform),
        ("xavier_normal", VarianceScalingInitializer.xavierNormal),
        ("he_uniform", VarianceScalingInitializer.heUniform),
        ("he_normal", VarianceScalingInitializer.heNormal),
        ("zeros", ConstantInitializer.zeros),
    ]

    /// All accepted names, in table order (for "expected one of ..." messages).
    public static var names: [String] { table.map(\.name) }

    /// The initialiser with this name, or nil if the name is unknown.
    public static func named(_ name: String) -> (any WeightInitializer)? {
        table.first { $0.name == name }?.initializer
    }
}
