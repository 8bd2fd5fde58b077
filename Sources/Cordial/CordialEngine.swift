import Foundation

/// One organisation's engine as an application embeds it: its store and its plugins, opened
/// together, with the operations the command line offers. Everything here is also reachable
/// piece by piece (``StoreLocation``, ``PluginRegistry``, ``SegmentRunner``, ``LetterDesk``);
/// this is the one entry to start from (docs/embedding.md).
///
/// ```swift
/// import Cordial
///
/// let engine = try await CordialEngine.open("crm.sqlite", plugins: [URL(fileURLWithPath: "plugins")], creating: true)
/// try await engine.importCustomers(from: "customers.csv")
/// for result in try await engine.runSegments() { print(result) }
/// ```
public final class CordialEngine: Sendable {
    /// The organisation's store: customers, purchases, segments, campaigns, letters.
    public let store: any Store
    /// The plugins, loaded from their folders; ``reloadPlugins()`` reads them again.
    public let plugins: PluginRegistry
    public let logger: Logger

    /// An engine over a store already open, with the plugins of `pluginFolders` loaded (a
    /// plugin that does not load is left out and listed in ``pluginProblems``).
    public init(store: any Store, pluginFolders: [URL], logger: Logger = Logger(label: "cordial")) {
        self.store = store
        self.plugins = PluginRegistry(roots: pluginFolders)
        self.logger = logger
        _ = plugins.reload()
    }

    /// Opens the store at `location` (a SQLite path, `sqlite:PATH` or `postgres://…`), brings
    /// its schema up to date and loads the plugins of `plugins`. Unless `creating`, the store
    /// must exist already.
    public static func open(
        _ location: String, plugins: [URL] = [], creating: Bool = false, logger: Logger = Logger(label: "cordial")
    ) async throws -> CordialEngine {
        CordialEngine(store: try await StoreLocation.open(location, creating: creating), pluginFolders: plugins, logger: logger)
    }

    /// Plugins that did not load, each as `file:line: message`: an application should show
    /// them (their segments, policies and letters are missing until they are fixed).
    public var pluginProblems: [PluginError] { plugins.problems }

    /// Reads the plugin folders again; a plugin that no longer loads keeps its last good version.
    @discardableResult
    public func reloadPlugins() -> PluginRegistry.ReloadReport { plugins.reload() }

    /// Imports customers from a CSV or JSON Lines file, upserting by (source, external id), in
    /// one transaction: a bad row (``ImportError``, naming its file, line and field) writes nothing.
    @discardableResult
    public func importCustomers(
        from path: String, format: ImportFormat? = nil, importer: CustomerImporter = CustomerImporter(), dryRun: Bool = false
    ) async throws -> ImportSummary {
        let reader = try importer.reader(path: path, format: format ?? ImportFormat.detect(path: path))
        return try await store.apply(reader, dryRun: dryRun)
    }

    /// Imports purchases from a CSV or JSON Lines file, in one transaction, each customer
    /// named by its external id in `importer.customerSource`.
    @discardableResult
    public func importPurchases(
        from path: String, format: ImportFormat? = nil, importer: PurchaseImporter, dryRun: Bool = false
    ) async throws -> ImportSummary {
        let reader = try importer.reader(path: path, format: format ?? ImportFormat.detect(path: path))
        return try await store.apply(reader, dryRun: dryRun)
    }

    /// Runs the named segments (every registered one when `names` is empty) as of `date`, and
    /// writes who entered and left each; a segment whose function fails writes nothing.
    public func runSegments(_ names: [String] = [], asOf date: Date = Date(), workers: Int = 1) async throws -> [SegmentRunner.Result] {
        let runner = SegmentRunner(store: store, plugins: plugins.plugins, loader: plugins.loader, workers: workers, at: date, logger: logger)
        return try await runner.run(names)
    }

    /// The letters of the loaded plugins, to preview or render for a customer.
    public func letters() -> LetterDesk {
        LetterDesk(plugins: plugins.plugins, loader: plugins.loader, logger: logger)
    }
}
