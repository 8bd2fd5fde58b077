import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// `cordial.log`: lines in the host's log, tagged with the plugin.
extension LuaAPI {
    static let logging: [LuaAPIFunction] = [Logger.Level.info, .warning, .error].map { level in
        let name = level == .warning ? "warn" : level.rawValue
        return LuaAPIFunction(
            "log.\(name)", "Writes a \(level.rawValue) line to the host's log, tagged with the plugin's name. Do not log personal data.",
            parameters: [.init("message", "string", "the text")]
        ) { context, arguments in
            let message = try arguments.get(1, "message", as: String.self)
            context.environment.logger.log(level: level, "\(message)", metadata: ["plugin": "\(context.manifest?.name ?? context.file)"])
            return LuaNoValue()
        }
    }
}
