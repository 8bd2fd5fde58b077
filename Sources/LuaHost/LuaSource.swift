/// Lua source text with the path its messages name (`plugins/rfm/plugin.lua`).
public struct LuaSource: Sendable, Hashable {
    public var text: String
    /// The file as the user names it; chunk names and `file:line` in errors use it.
    public var displayPath: String

    public init(text: String, displayPath: String) {
        self.text = text
        self.displayPath = displayPath
    }
}

extension LuaState {
    /// Compiles held source; messages name `source.displayPath`.
    public func load(_ source: LuaSource) throws(LuaLoadError) -> LuaFunction {
        try load(source.text, chunkName: "@" + source.displayPath)
    }
}
