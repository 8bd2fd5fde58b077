import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// Everything the `cordial` module of one Lua state may reach: the plugin it belongs to, its
/// permissions, the phase it is in and the store. One per state, used on that state's thread.
public final class PluginContext {
    public enum Phase: Sendable {
        /// `plugin.lua` is running: the plugin declares itself and registers what it offers.
        /// No data access, a tight budget.
        case registering
        /// A handler (a segment function, a script) is running: the data API is open.
        case running
    }

    /// A segment a plugin registered with `plugin:segment`.
    public struct SegmentFunction {
        public var name: String
        public var description: String
        /// The labels it declared; nil: any label.
        public var labels: [String]?
        /// Its runs compute RFM scores (`c.value.rfm`).
        public var needsRFM: Bool
        /// Its runs load the latest value fit's figures (`c.value.p_alive`, …).
        public var needsValue: Bool
        public var function: LuaFunction
        /// `plugins/rfm/plugin.lua:14`.
        public var definedAt: String
    }

    /// The `plugin.lua` being loaded (or the script being run), as messages name it.
    public let file: String
    public internal(set) var manifest: PluginManifest?
    public internal(set) var segments: [SegmentFunction] = []
    public var phase: Phase = .registering
    /// The permissions in force: the manifest's for a plugin, all of them for a staff script.
    public internal(set) var permissions: Set<Permission>
    let store: (any Store)?
    /// Set while a plugin's tests run (`cordial plugins test`).
    var testSession: PluginTestSession?
    public var logger: Logger
    /// The date "today" is for the script: the run's as-of date.
    public var today: Date
    /// Time zone for dates shown to people and for "today".
    public var timeZone: TimeZone
    /// Customer changes made by the running handler, written together when it returns.
    var pendingChanges = PendingCustomerChanges()
    /// The strict metatables customer views share (set when the module is installed).
    var viewMetatables = ViewMetatables()

    /// ``today`` as days since 1970 in ``timeZone``.
    var todayNumber: Int {
        let seconds = today.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: today))
        return Int((seconds / 86_400).rounded(.down))
    }

    public init(
        file: String, store: (any Store)?, permissions: Set<Permission> = [], logger: Logger,
        today: Date = Date(), timeZone: TimeZone = .current
    ) {
        self.file = file
        self.store = store
        self.permissions = permissions
        self.logger = logger
        self.today = today
        self.timeZone = timeZone
    }

    /// The store, when the phase and the permission allow reaching it.
    /// (Lua's message already starts with the calling function's name.)
    func store(needing permission: Permission) throws -> any Store {
        guard phase == .running else {
            throw PluginAPIError("not available while a plugin registers (plugin.lua's top level): call it from a handler")
        }
        guard permissions.contains(permission) else {
            throw PluginAPIError("needs the permission '\(permission.rawValue)'; add it to the plugin's permissions")
        }
        guard let store else { throw PluginAPIError("no store is open (cordial run: pass --db before the script, or run `cordial init`)") }
        return store
    }
}

/// A refusal from the `cordial` API, raised in Lua at the caller's `file:line`.
struct PluginAPIError: Error, LocalizedError {
    var message: String
    init(_ message: String) { self.message = message }
    var errorDescription: String? { message }
}

/// Waits for async store work from a Lua worker thread (never from Swift's cooperative pool:
/// Lua runs on its own threads, DESIGN.md decision 1).
///
/// The work runs on ``StoreCallExecutor``, not on the cooperative pool: a busy pool (two
/// threads on a two-core machine) would otherwise hold a plugin's read back until its time
/// limit ran out.
public func waitForStore<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task(executorPreference: StoreCallExecutor.shared) {
        do { box.result = .success(try await operation()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Threads of their own for the store calls Lua handlers wait for.
final class StoreCallExecutor: TaskExecutor {
    static let shared = StoreCallExecutor()
    private let queue = DispatchQueue(label: "cordial.store-calls", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
