/// What `plugins/NAME/plugin.lua` declares about itself through `cordial.plugin { … }`.
public struct PluginManifest: Sendable, Hashable {
    public var name: String
    public var version: SemanticVersion
    /// The version of the `cordial` Lua API the plugin was written against.
    public var api: Int
    public var description: String
    public var permissions: Set<Permission>

    public init(name: String, version: SemanticVersion, api: Int, description: String = "", permissions: Set<Permission> = []) {
        self.name = name
        self.version = version
        self.api = api
        self.description = description
        self.permissions = permissions
    }

    /// Plugin and segment names: lower-case letters, digits and dashes, starting with a letter.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase, name.count <= 64 else { return false }
        return name.allSatisfy { $0 == "-" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
    }
}
