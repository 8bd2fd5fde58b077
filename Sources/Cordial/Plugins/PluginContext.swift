import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// Everything the `cordial` module of one Lua state may reach: the plugin it belongs to (its
/// manifest and registrations), the phase it is in, its fixed ``PluginEnvironment`` and the
/// current handler ``PluginRun``. One per state, used on that state's thread.
public final class PluginContext {
    public enum Phase: Sendable {
        /// `plugin.lua` is running: the plugin declares itself and registers what it offers.
        /// No data access, a tight budget.
        case registering
        /// A handler (a script, a test case) is running: the data API is open.
        case running
        /// A segment function is classifying a batch: reads are open, changes are not (a run
        /// classifies; it does not change the customers it reads).
        case classifying
        /// A feedback hook is handling a case: reads are open; the case changes only through
        /// its own methods (`case:assign`, …), written with the hook's delivery.
        case handlingFeedback
    }

    /// The `plugin.lua` being loaded (or the script being run), as messages name it.
    public let file: String
    public internal(set) var manifest: PluginManifest?
    public internal(set) var registrations = PluginRegistrations()
    /// The functions behind the registrations, by segment name.
    var segmentFunctions: [String: LuaFunction] = [:]
    /// The functions of gifts chosen per customer (`gift = { choose = function(c, items) … }`).
    var giftChoosers: [GiftChooserKey: LuaFunction] = [:]
    /// The functions letters use as lambdas (`plugin:lambda`), by name.
    var letterLambdas: [String: LuaFunction] = [:]
    /// The functions behind `plugin:on`, by hook.
    var feedbackHookFunctions: [FeedbackHook: LuaFunction] = [:]
    public internal(set) var phase: Phase = .registering
    public internal(set) var environment: PluginEnvironment
    var run: PluginRun
    /// Set while a plugin's tests run (`cordial plugins test`).
    var testSession: PluginTestSession?
    /// The segment driver, loaded before the plugin's code (``SegmentDriver``).
    var segmentDriver: SegmentDriver?
    /// The strict metatables customer views share (set when the module is installed).
    var viewMetatables = ViewMetatables()

    public init(file: String, environment: PluginEnvironment, today: Date = Date()) {
        self.file = file
        self.environment = environment
        self.run = PluginRun(today: today)
    }

    /// ``PluginRun/today`` as days since 1970 in the environment's time zone.
    var todayNumber: Int { run.todayNumber(in: environment.timeZone) }

    /// The store. The installer has checked the phase and the permission before a data
    /// function's body runs (``LuaAPIFunction/checkCall(_:in:)``).
    func openStore() throws -> any Store {
        guard let store = environment.store else {
            throw PluginAPIError("no store is open (cordial run: pass --db before the script, or run `cordial init`)")
        }
        return store
    }

    /// Runs store work on the environment's executor while this state's thread waits.
    func wait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        try environment.storeCalls.wait(operation)
    }
}

/// A refusal from the `cordial` API, raised in Lua at the caller's `file:line`.
struct PluginAPIError: Error, LocalizedError {
    var message: String
    init(_ message: String) { self.message = message }
    var errorDescription: String? { message }
}
