import CordialCore
import Foundation
import LuaHost

/// The plugins in service, loaded from one or more plugin folders (`--plugins`, repeatable).
///
/// ``reload()`` re-reads the folders and swaps the whole set at once: a run that started
/// keeps the set it took (``plugins`` is a value), the next run sees the new one. A plugin
/// whose new version fails to load stays in service in its previous version, and the reason
/// is reported (DESIGN.md decision 6).
public final class PluginRegistry: @unchecked Sendable {
    /// What a reload did.
    public struct ReloadReport: Sendable {
        /// Plugins loaded or reloaded from changed files.
        public var loaded: [String] = []
        /// Plugins whose files had not changed.
        public var unchanged: [String] = []
        /// Plugins gone from the folders.
        public var removed: [String] = []
        /// Errors; a plugin named here with a previous version keeps that version in service.
        public var problems: [PluginError] = []
        /// Plugins kept in their previous version because the new one failed.
        public var kept: [String] = []

        public init() {}
    }

    public let roots: [URL]
    public let loader: PluginLoader
    private let lock = NSLock()
    private var current: [Plugin] = []
    private var currentProblems: [PluginError] = []

    public init(roots: [URL], loader: PluginLoader = PluginLoader()) {
        self.roots = roots
        self.loader = loader
    }

    /// The plugins in service, by folder order then name.
    public var plugins: [Plugin] { lock.withLock { current } }
    /// The problems of the last reload.
    public var problems: [PluginError] { lock.withLock { currentProblems } }

    public func plugin(named name: String) -> Plugin? { plugins.first { $0.name == name } }

    /// The plugin that registered segment `name`.
    public func segment(named name: String) -> (plugin: Plugin, segment: SegmentRegistration)? {
        for plugin in plugins {
            if let segment = plugin.segments.first(where: { $0.name == name }) { return (plugin, segment) }
        }
        return nil
    }

    @discardableResult
    public func reload() -> ReloadReport {
        let previous = lock.withLock { current }
        var report = ReloadReport()
        var candidates: [Plugin] = []
        for directory in discover(&report) {
            let old = previous.first { $0.directory.standardizedFileURL == directory.standardizedFileURL }
            var plugin: Plugin
            if let old, old.fingerprint == PluginLoader.fingerprint(of: directory) {
                plugin = old
                report.unchanged.append(old.name)
            } else {
                do {
                    plugin = try loader.load(directory: directory)
                    report.loaded.append(plugin.name)
                } catch {
                    report.problems.append(error)
                    guard let old else { continue }
                    plugin = old
                    report.kept.append(old.name)
                }
            }
            candidates.append(plugin)
        }
        // A name two plugins claim (a plugin's or a segment's) belongs to neither: both are
        // refused, whichever folder sorts first, so an impostor never silently wins.
        var pluginClaims: [String: [Claim]] = [:], segmentClaims: [String: [Claim]] = [:]
        var policyClaims: [String: [Claim]] = [:], eventClaims: [String: [Claim]] = [:], organisationClaims: [String: [Claim]] = [:]
        for plugin in candidates {
            pluginClaims[plugin.name, default: []].append(Claim(plugin: plugin, at: plugin.main.displayPath))
            for segment in plugin.segments { segmentClaims[segment.name, default: []].append(Claim(plugin: plugin, at: segment.definedAt)) }
            for policy in plugin.registrations.policies { policyClaims[policy.name, default: []].append(Claim(plugin: plugin, at: policy.definedAt)) }
            // A recovery campaign is a campaign like a policy's: one name, one budget.
            if let recovery = plugin.registrations.recovery {
                policyClaims[recovery.name, default: []].append(Claim(plugin: plugin, at: recovery.definedAt))
            }
            for event in plugin.registrations.events { eventClaims[event.name, default: []].append(Claim(plugin: plugin, at: event.definedAt)) }
            if let approvals = plugin.registrations.approvals {
                organisationClaims["approvals", default: []].append(Claim(plugin: plugin, at: approvals.definedAt))
            }
            if let letters = plugin.registrations.letters {
                organisationClaims["letters", default: []].append(Claim(plugin: plugin, at: letters.definedAt))
            }
        }
        var refused: Set<String> = []  // plugin.lua paths
        refused.formUnion(Self.refuseShared(pluginClaims, into: &report) { "plugin '\($0)' is also loaded from \($1); neither is loaded" })
        refused.formUnion(Self.refuseShared(segmentClaims, into: &report) { "segment '\($0)' is also registered at \($1); neither plugin is loaded" })
        refused.formUnion(Self.refuseShared(policyClaims, into: &report) { "campaign '\($0)' (a policy or a recovery campaign) is also registered at \($1); neither plugin is loaded" })
        refused.formUnion(Self.refuseShared(eventClaims, into: &report) { "event '\($0)' is also declared at \($1); neither plugin is loaded" })
        refused.formUnion(Self.refuseShared(organisationClaims, into: &report) { name, others in
            name == "letters"
                ? "the letter settings are also declared at \(others); an organisation has one, so neither plugin is loaded"
                : "the approval levels are also declared at \(others); an organisation has one set, so neither plugin is loaded"
        })
        // A policy naming a segment, event or letter that is not there refuses its plugin;
        // refusing one may take away what another names, so this runs until nothing changes.
        var next = candidates.filter { !refused.contains($0.main.displayPath) }
        while case let problems = PolicyReferences.problems(in: next), !problems.isEmpty {
            report.problems += problems.map(\.error)
            let broken = Set(problems.map(\.plugin.main.displayPath))
            next.removeAll { broken.contains($0.main.displayPath) }
        }
        report.removed = previous.map(\.name).filter { name in !next.contains { $0.name == name } }
        lock.withLock {
            current = next
            currentProblems = report.problems
        }
        return report
    }

    /// A plugin's claim on a name, and where it makes it.
    private struct Claim {
        var plugin: Plugin
        var at: String
    }

    /// Reports every claim on a name that more than one plugin claims, at its place, naming
    /// the others' places (`problem(name, others)`); returns the refused plugins' `plugin.lua`.
    private static func refuseShared(
        _ claims: [String: [Claim]], into report: inout ReloadReport, problem: (String, String) -> String
    ) -> Set<String> {
        var refused: Set<String> = []
        for (name, claimants) in claims.sorted(by: { $0.key < $1.key }) where claimants.count > 1 {
            for claim in claimants {
                let others = claimants.filter { $0.plugin.main.displayPath != claim.plugin.main.displayPath }.map(\.at)
                report.problems.append(PluginError(location: claim.at, message: problem(name, others.joined(separator: ", "))))
                refused.insert(claim.plugin.main.displayPath)
            }
        }
        return refused
    }

    /// The plugin folders under the roots, whether their plugins load or not (for tools that
    /// read a plugin's files on their own, as `cordial letters lint` does), with the path
    /// messages name each by.
    public func folders() -> [(url: URL, display: String)] {
        var report = ReloadReport()
        return discover(&report).map { ($0, LuaState.displayPath(of: $0, relativeTo: loader.chunkNameRoot)) }
    }

    /// Plugin folders: every folder under each root that is not hidden.
    private func discover(_ report: inout ReloadReport) -> [URL] {
        var directories: [URL] = []
        for root in roots {
            let display = LuaState.displayPath(of: root, relativeTo: loader.chunkNameRoot)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                report.problems.append(PluginError(location: display, message: "no plugin folder here"))
                continue
            }
            let entries = (try? FileManager.default.contentsOfDirectory(
                at: root, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])) ?? []
            for entry in entries.sorted(by: { $0.lastPathComponent < $1.lastPathComponent })
            where (try? entry.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                directories.append(entry)
            }
        }
        return directories
    }
}
