import Foundation
import LuaHost

/// A plugin could not be loaded, checked or run. Every case names the file (and line, where
/// there is one) that the admin has to change.
public struct PluginError: Error, LocalizedError, CustomStringConvertible, Equatable {
    /// `plugins/rfm/plugin.lua:12`, or the plugin's folder when no line applies.
    public var location: String
    public var message: String
    /// The Lua traceback, when the error came from running Lua code.
    public var traceback: String

    public init(location: String, message: String, traceback: String = "") {
        self.location = location
        self.message = message
        self.traceback = traceback
    }

    /// A load error as Lua reports it (its message already starts with `file:line:`).
    init(_ error: LuaLoadError, file: String) {
        let message = error.message
        if let location = error.location, message.hasPrefix(location + ":") {
            self.init(location: location, message: String(message.dropFirst(location.count + 1)).trimmingCharacters(in: .whitespaces))
        } else {
            self.init(location: error.location ?? file, message: message)
        }
    }

    /// A run error: located where Lua raised it, else at `fallback`.
    init(_ error: LuaRunError, fallback: String) {
        var message = error.message
        let location = error.location ?? fallback
        if message.hasPrefix(location + ":") {
            message = String(message.dropFirst(location.count + 1)).trimmingCharacters(in: .whitespaces)
        } else if error.isLimit, message.hasSuffix(" at " + location) {
            message = String(message.dropLast(location.count + 4))  // "plugin.lua:9: time limit of 1 s exceeded"
        }
        self.init(location: location, message: message, traceback: error.traceback)
    }

    /// One line, whatever the plugin put in its message: control characters shown as `\n`,
    /// `\x1B`, and a long message cut in the middle (``LuaRunError/reported(_:)``).
    public var description: String { "\(location): \(LuaRunError.reported(message))" }
    public var errorDescription: String? { description }
}
