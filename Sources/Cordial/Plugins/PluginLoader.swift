import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// Reads a plugin folder and runs its `plugin.lua` in a fresh state under a tight budget with
/// no data access (registration, DESIGN.md decision 6); makes states for runs from the result.
public struct PluginLoader: Sendable {
    /// Registration limits: declaring a plugin takes microseconds; a loop or a huge table at
    /// the top of `plugin.lua` is a mistake to report, not to wait for.
    public var registrationLimits = LuaLimits(memoryBytes: 16 << 20, timeSeconds: 0.25)
    /// Paths in messages are relative to this folder.
    public var chunkNameRoot: URL

    public init(chunkNameRoot: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.chunkNameRoot = chunkNameRoot
    }

    /// Loads the plugin in `directory` (which holds `plugin.lua`).
    public func load(directory: URL) throws(PluginError) -> Plugin {
        let display = LuaState.displayPath(of: directory, relativeTo: chunkNameRoot)
        let mainURL = directory.appendingPathComponent("plugin.lua")
        try Self.checkInside(mainURL, directory, display: "\(display)/plugin.lua")
        guard let mainText = try? String(contentsOf: mainURL, encoding: .utf8) else {
            let exists = FileManager.default.fileExists(atPath: mainURL.path)
            throw PluginError(location: "\(display)/plugin.lua", message: exists ? "cannot read the file (is it UTF-8 text?)" : "no plugin.lua: a plugin folder needs one")
        }
        let main = LuaSource(text: mainText, displayPath: "\(display)/plugin.lua")
        let modules = try Self.modules(in: directory, display: display)
        let context = PluginContext(file: main.displayPath, environment: PluginEnvironment(store: nil, logger: Logger(label: "cordial.plugins")))
        let state = try register(main: main, modules: modules, context: context, limits: registrationLimits)
        defer { state.close() }
        guard let manifest = context.manifest else { throw PluginError(location: main.displayPath, message: "plugin.lua must return cordial.plugin { … }") }
        guard manifest.name == directory.lastPathComponent else {
            throw PluginError(
                location: main.displayPath,
                message: "the plugin is named '\(manifest.name)' but its folder is '\(directory.lastPathComponent)'; they must match")
        }
        let tests = ((try? FileManager.default.contentsOfDirectory(at: directory.appendingPathComponent("tests"), includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.lastPathComponent.hasSuffix("_test.lua") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        for test in tests { try Self.checkInside(test, directory, display: "\(display)/tests/\(test.lastPathComponent)") }
        // Its letters load with it: a template that does not read fails the plugin at its line
        // (a policy naming a template that is not there is the registry's to refuse).
        let letters = try LetterLibrary(plugin: manifest.name, directory: directory, displayRoot: display)
        return Plugin(
            manifest: manifest, directory: directory, main: main, modules: modules,
            registrations: context.registrations, letters: letters,
            tests: tests, fingerprint: Self.fingerprint(of: directory))
    }

    /// A state with the plugin registered, its data API open: for segment runs and tests.
    /// `today` is the moment the run is as of; its UTC day is the plugin's today.
    /// `knownSegments`: the segment names `c.segments` may be asked for (the plugin's own are
    /// always known).
    public func instantiate(
        _ plugin: Plugin, store: (any Store)?, logger: Logger, limits: LuaLimits, today: Date = Date(), knownSegments: Set<String> = []
    ) throws(PluginError) -> PluginInstance {
        // Days in UTC, as the view counts them (purchase days, `days_since_last`), so that
        // `cordial.dates.today()` and the view agree on what day the run is.
        let environment = PluginEnvironment(
            store: store, logger: logger, permissions: plugin.manifest.permissions, timeZone: TimeZone(identifier: "UTC")!,
            knownSegments: knownSegments.union(plugin.segments.map(\.name)))
        // Registration runs with no data access whatever the environment holds (phase checks).
        let context = PluginContext(file: plugin.main.displayPath, environment: environment, today: today)
        let state = try register(main: plugin.main, modules: plugin.modules, context: context, limits: registrationLimits)
        state.limits = limits
        context.phase = .running
        do {
            return try PluginInstance(plugin: plugin, state: state, context: context)
        } catch {
            state.close()
            throw PluginError(location: plugin.main.displayPath, message: "cannot prepare the plugin: \(error)")
        }
    }

    private func register(main: LuaSource, modules: [String: LuaSource], context: PluginContext, limits: LuaLimits) throws(PluginError) -> LuaState {
        let state: LuaState
        do {
            state = try LuaState(limits: limits, moduleRoot: nil, chunkNameRoot: chunkNameRoot)
            state.moduleSources = modules
            try CordialModule.install(in: state, context: context)
            // Host Lua code that runs in the plugin's state is loaded before the plugin's, so it
            // holds the sandbox's built-ins even if plugin.lua replaces `error` or `string`.
            context.segmentDriver = try SegmentDriver.load(in: state)
        } catch {
            throw PluginError(location: main.displayPath, message: "cannot create a Lua state: \(error)")
        }
        do {
            let chunk = try state.load(main)
            let result = try chunk.callValues([])
            guard let handle = result.first?.objectValue as? PluginHandle, handle.manifest == context.manifest else {
                let got = result.first.map { $0.typeName } ?? "nothing"
                throw PluginError(location: main.displayPath, message: "plugin.lua must return cordial.plugin { … } (it returned \(got))")
            }
        } catch let error as LuaLoadError {
            state.close()
            throw PluginError(error, file: main.displayPath)
        } catch let error as LuaRunError {
            state.close()
            throw PluginError(error, fallback: main.displayPath)
        } catch let error as PluginError {
            state.close()
            throw error
        } catch {
            state.close()
            throw PluginError(location: main.displayPath, message: "\(error)")
        }
        return state
    }

    /// Every `.lua` file of the plugin except `plugin.lua` and those under `tests/` and `letters/`.
    static func modules(in directory: URL, display: String) throws(PluginError) -> [String: LuaSource] {
        var modules: [String: LuaSource] = [:]
        let root = directory.standardizedFileURL.path
        guard let files = FileManager.default.enumerator(atPath: root) else { return [:] }
        for case let relative as String in files {
            // Every entry, Lua or not (a linked letters/ or lib/ folder too): nothing of the
            // plugin may lead outside its folder.
            try checkInside(URL(fileURLWithPath: root + "/" + relative), directory, display: "\(display)/\(relative)")
            guard relative.hasSuffix(".lua") && relative != "plugin.lua" else { continue }
            let parts = relative.split(separator: "/")
            if let first = parts.first, first == "tests" || first == "letters" { continue }
            var name = String(relative.dropLast(4)).replacingOccurrences(of: "/", with: ".")
            if name.hasSuffix(".init") { name = String(name.dropLast(5)) }
            guard let text = try? String(contentsOfFile: root + "/" + relative, encoding: .utf8) else {
                throw PluginError(location: "\(display)/\(relative)", message: "cannot read the file (is it UTF-8 text?)")
            }
            modules[name] = LuaSource(text: text, displayPath: "\(display)/\(relative)")
        }
        return modules
    }

    /// Refuses a file that is a link (or lies under a linked folder) leading outside the
    /// plugin's folder: a plugin runs its own files only, never `/etc/…` or a `.env` beside it.
    static func checkInside(_ file: URL, _ directory: URL, display: String) throws(PluginError) {
        guard FileManager.default.fileExists(atPath: file.path), !LuaState.isInside(file, directory) else { return }
        throw PluginError(location: display, message: "leads outside the plugin's folder (a link); a plugin may only use its own files")
    }

    /// Path → size and hash of the contents of every file under `directory`: a change of
    /// content is noticed even within one tick of the file system's clock. (Hashes are
    /// compared within one process only.)
    static func fingerprint(of directory: URL) -> [String: String] {
        var fingerprint: [String: String] = [:]
        let root = directory.standardizedFileURL.path
        guard let files = FileManager.default.enumerator(atPath: root) else { return [:] }
        for case let relative as String in files {
            guard let data = FileManager.default.contents(atPath: root + "/" + relative) else { continue }
            var hasher = Hasher()
            data.withUnsafeBytes { hasher.combine(bytes: $0) }  // every byte (Data's own hash reads a prefix)
            fingerprint[relative] = "\(data.count):\(hasher.finalize())"
        }
        return fingerprint
    }
}
