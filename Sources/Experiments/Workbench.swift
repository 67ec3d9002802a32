/// The workbench's version, recorded in every run.
public enum Workbench {
    public static let version = "0.1.0"
}
