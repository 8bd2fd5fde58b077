/// The version of Cordial, shown by `cordial --version` and recorded with plugin runs.
public enum CordialVersion {
    public static let current = "0.1.0"
}
