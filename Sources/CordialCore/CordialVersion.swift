/// The version of Cordial, shown by `cordial --version` and recorded with plugin runs.
public enum CordialVersion {
    public static let current = "0.1.0"
}

extension CordialVersion {
    /// The version of the `cordial` Lua API this host provides. A plugin declares the version
    /// it targets (`api = 1`); the host loads plugins targeting this version or an older one.
    public static let luaAPI = 1
}
