import ArgumentParser
import Cordial
import CordialCore
import Foundation
import LuaHost

/// `cordial plugins list|check|new|test`
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins", abstract: "List, check, create and test Lua plugins.",
        subcommands: [ListPlugins.self, CheckPlugins.self, NewPlugin.self, TestPlugins.self, PluginDocs.self])
}

struct ListPlugins: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The plugins in the plugin folders and what they register.")

    @OptionGroup var pluginOptions: PluginOptions

    @Flag(help: "Machine-readable output (problems included).")
    var json = false

    func run() throws {
        let (registry, report) = pluginOptions.registry()
        if json {
            try StoreOptions.printJSON(PluginsJSON.Loaded(plugins: registry.plugins.map(PluginsJSON.Plugin.init), problems: report.problems.map(PluginsJSON.Problem.init)))
            if !report.problems.isEmpty { throw ExitCode.failure }
            return
        }
        printTable(["PLUGIN", "VERSION", "API", "SEGMENTS", "POLICIES", "PERMISSIONS", "DESCRIPTION"], registry.plugins.map { plugin in
            [plugin.name, plugin.manifest.version.description, "\(plugin.manifest.api)",
             plugin.segments.map(\.name).joined(separator: ", "), plugin.registrations.policies.map(\.name).joined(separator: ", "),
             plugin.manifest.permissions.sorted().map(\.rawValue).joined(separator: ", "), plugin.manifest.description]
        })
        printProblems(report.problems)
        // The list shows what loaded; a plugin that did not load fails the command (issue 14, item 1).
        if !report.problems.isEmpty { throw ExitCode.failure }
    }
}

struct CheckPlugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Load the plugins as the engine does and report every problem at its file:line.")

    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "Only this plugin.")
    var name: String?

    @Flag(help: "Machine-readable output (problems included).")
    var json = false

    func run() throws {
        let (registry, report) = pluginOptions.registry()
        let problems = report.problems.filter { problem in name.map { problem.location.contains("/\($0)/") || problem.location.hasSuffix("/\($0)") } ?? true }
        let plugins = registry.plugins.filter { name == nil || $0.name == name }
        if let name, plugins.isEmpty, problems.isEmpty { throw CommandFailure("no plugin '\(name)' in \(pluginOptions.roots.map(\.path).joined(separator: ", "))") }
        let good = plugins.filter { plugin in !problems.contains(where: { $0.location.hasPrefix(plugin.main.displayPath.replacingOccurrences(of: "plugin.lua", with: "")) }) }
        if json {
            try StoreOptions.printJSON(PluginsJSON.Loaded(plugins: good.map(PluginsJSON.Plugin.init), problems: problems.map(PluginsJSON.Problem.init)))
            if !problems.isEmpty { throw ExitCode.failure }
            return
        }
        for plugin in good {
            let segments = plugin.segments.map(\.name)
            var parts = ["\(segments.count) segment\(segments.count == 1 ? "" : "s")\(segments.isEmpty ? "" : " (\(segments.joined(separator: ", ")))")"]
            let registered = plugin.registrations
            if !registered.policies.isEmpty {
                parts.append("\(registered.policies.count) polic\(registered.policies.count == 1 ? "y" : "ies") (\(registered.policies.map(\.name).joined(separator: ", ")))")
            }
            if !registered.frequencyCaps.isEmpty { parts.append("\(registered.frequencyCaps.count) frequency cap\(registered.frequencyCaps.count == 1 ? "" : "s")") }
            if !registered.events.isEmpty { parts.append("\(registered.events.count) event\(registered.events.count == 1 ? "" : "s")") }
            if registered.approvals != nil { parts.append("approval levels") }
            print("ok  \(plugin.name) \(plugin.manifest.version): " + parts.joined(separator: ", "))
        }
        printProblems(problems)
        if !problems.isEmpty { throw ExitCode.failure }
    }
}

struct NewPlugin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Create a plugin folder with a segment, a test and a letters folder to start from.")

    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The plugin's name: lower-case letters, digits and dashes.")
    var name: String

    func run() throws {
        let directory = try PluginTemplate.create(name: name, in: pluginOptions.roots[0])
        print("created \(directory.path)/plugin.lua, tests/\(name)_test.lua and letters/")
        print("next: cordial plugins check \(name) && cordial plugins test \(name)")
    }
}

struct TestPlugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run the plugins' tests/*_test.lua against fixture customers in a temporary store.")

    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "Only this plugin.")
    var name: String?

    @Flag(help: "Machine-readable output (problems and failures included).")
    var json = false

    func run() throws {
        let (registry, report) = pluginOptions.registry()
        if !json { printProblems(report.problems) }
        let plugins = registry.plugins.filter { name == nil || $0.name == name }
        if let name, plugins.isEmpty { throw CommandFailure("no plugin '\(name)' loaded") }
        var failures = report.problems.isEmpty ? 0 : 1
        var passed = 0
        var shown: [PluginsJSON.TestResult] = []
        for plugin in plugins {
            var runner = PluginTestRunner(loader: registry.loader)
            runner.knownSegments = Set(registry.plugins.flatMap(\.registrations.segmentNames))
            let results = runner.run(plugin)
            if results.isEmpty && !json { print("\(plugin.name): no tests (add tests/\(plugin.name)_test.lua)") }
            for result in results {
                shown.append(PluginsJSON.TestResult(plugin: plugin.name, test: result.name, passed: result.failure == nil, failure: result.failure?.description))
                if json { continue }
                if let failure = result.failure {
                    print("FAIL \(plugin.name): \(result.name)\n     \(failure.description)")
                } else {
                    print("ok   \(plugin.name): \(result.name)")
                }
            }
            failures += results.count { $0.failure != nil }
            passed += results.count { $0.failure == nil }
        }
        if json {
            try StoreOptions.printJSON(PluginsJSON.Tests(results: shown, problems: report.problems.map(PluginsJSON.Problem.init), passed: passed, failed: failures))
        } else {
            print("\(passed) passed, \(failures) failed")
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

struct PluginDocs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs", abstract: "Write the Lua API reference and editor annotations (docs/lua-api.md, docs/lua/*.d.lua).")

    @Option(help: "The folder that holds docs/ (the repository root).")
    var root: String = "."

    func run() throws {
        for (path, text) in LuaAPIDocs.files.sorted(by: { $0.key < $1.key }) {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            print("wrote \(url.path)")
        }
    }
}
