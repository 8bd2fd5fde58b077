// What an embedder needs comes with `import Cordial`: the value types (customers, purchases,
// money, calendars), the store protocols and their results, the Lua host's limits and values,
// and swift-log's `Logger`, which the engine's initialisers take. Without these, an
// application would have to know which of our modules (no products of their own) declares
// each type it is handed.
@_exported import CordialCore
@_exported import CordialStore
@_exported import LuaHost
@_exported import Logging
