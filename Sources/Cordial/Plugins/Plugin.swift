import Foundation
import LuaHost

/// A loaded plugin: its manifest, what it registered, and the text of its Lua files as they
/// were when it loaded. States for runs are made from this text, so a run uses the version
/// that loaded even when the files have changed (or broken) since.
public struct Plugin: Sendable {
    public var manifest: PluginManifest
    public var directory: URL
    /// `plugins/rfm/plugin.lua` as read.
    public var main: LuaSource
    /// The plugin's other Lua files by `require` name (`util` for `util.lua`, `lib.score` for `lib/score.lua`).
    public var modules: [String: LuaSource]
    /// What `plugin.lua` registered (without the functions, which live in a state).
    public var registrations: PluginRegistrations
    /// `letters/*.mustache` and `letters/partials/`, as they were when the plugin loaded.
    public var letters: LetterLibrary
    /// `tests/*_test.lua`, sorted.
    public var tests: [URL]
    /// What the files looked like (path → size and modification time), to notice changes.
    public var fingerprint: [String: String]

    public var name: String { manifest.name }
    public var segments: [SegmentRegistration] { registrations.segments }
}
