import CordialStore
import Foundation
import Logging

/// What a plugin's state may reach, fixed for the state's life: the store, the log, the
/// permissions in force and the clock's time zone.
public struct PluginEnvironment: Sendable {
    /// The store; nil for a script run without one, and while a plugin registers.
    public var store: (any Store)?
    public var logger: Logger
    /// The permissions in force: the manifest's for a plugin, all of them for a staff script.
    public var permissions: Set<Permission>
    /// The time zone of "today" and of dates shown to people.
    public var timeZone: TimeZone
    /// Where the state's store calls run while its thread waits.
    public var storeCalls: StoreCallExecutor
    /// Every segment name `c.segments` may be asked for: the segments registered and those
    /// the store has run. Any other name is an error (a misspelt name would read as nil and
    /// empty a segment).
    public var knownSegments: Set<String>
    /// The letter templates a script's campaign letters may name (`NAME` and `PLUGIN/NAME`
    /// of the loaded plugins); nil: not checked (no plugins were loaded).
    public var letterTemplates: Set<String>?

    public init(
        store: (any Store)?, logger: Logger, permissions: Set<Permission> = [], timeZone: TimeZone = .current,
        storeCalls: StoreCallExecutor = StoreCallExecutor(), knownSegments: Set<String> = []
    ) {
        self.knownSegments = knownSegments
        self.store = store
        self.logger = logger
        self.permissions = permissions
        self.timeZone = timeZone
        self.storeCalls = storeCalls
    }
}

/// One handler run's own state: the day it is as of, and the customer changes it made, to
/// be written together when it returns.
struct PluginRun {
    /// The moment "today" is for the script: the run's as-of date.
    var today: Date
    var pendingChanges = PendingCustomerChanges()
    /// Campaigns the script declared (`cordial.campaign`), saved as plans when it succeeds.
    var campaigns: [CampaignScript] = []

    /// ``today`` as days since 1970 in `timeZone`.
    func todayNumber(in timeZone: TimeZone) -> Int {
        let seconds = today.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: today))
        return Int((seconds / 86_400).rounded(.down))
    }
}
