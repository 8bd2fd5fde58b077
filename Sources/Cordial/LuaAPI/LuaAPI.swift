import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// The `cordial` Lua module, function by function: the one source of truth for registration
/// (``CordialModule``), `docs/lua-api.md` and `docs/lua/cordial.d.lua` (``LuaAPIDocs``).
public enum LuaAPI {
    public static let functions: [LuaAPIFunction] = plugins + campaigns + feedbackHooks + customers + segments + logging + json + dates + calendar + formatting + PluginTestAPI.functions
}
