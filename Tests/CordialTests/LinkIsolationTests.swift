import Cordial
import Foundation
import Testing

/// Links out of a plugin's folder or a script's folder are refused (issue 13, isolation).
@Suite final class LinkIsolationTests {
    private let folder: PluginFolder
    private let outside: URL

    init() throws {
        folder = try PluginFolder()
        outside = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try "return { secret = 'SECRET-TOKEN' }".write(to: outside.appendingPathComponent("env.lua"), atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: outside) }

    func plugin(linking link: String, to target: URL) throws -> URL {
        let directory = try folder.plugin("linked", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "linked", version = "1.0.0", api = 1 }
            return plugin
            """])
        let url = directory.appendingPathComponent(link)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: url, withDestinationURL: target)
        return directory
    }

    @Test func aModuleThatLinksOutsideThePluginIsRefused() throws {
        let directory = try plugin(linking: "util.lua", to: outside.appendingPathComponent("env.lua"))
        do {
            _ = try PluginLoader(chunkNameRoot: folder.root).load(directory: directory)
            Issue.record("the plugin loaded with a link to a file outside it")
        } catch {
            #expect(error.location == "linked/util.lua")
            #expect(error.message.contains("leads outside the plugin's folder (a link)"))
            #expect(!error.description.contains("SECRET-TOKEN"))
        }
    }

    @Test func aLinkedFolderAndALinkedTestAreRefusedToo() throws {
        let directory = try plugin(linking: "lib", to: outside)
        #expect(throws: PluginError.self) { try PluginLoader(chunkNameRoot: self.folder.root).load(directory: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("lib"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tests"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: directory.appendingPathComponent("tests/steal_test.lua"), withDestinationURL: outside.appendingPathComponent("env.lua"))
        #expect(throws: PluginError.self) { try PluginLoader(chunkNameRoot: self.folder.root).load(directory: directory) }
    }

    @Test func aLinkInsideThePluginIsFine() throws {
        let directory = try folder.plugin("inner", [
            "plugin.lua": """
                local cordial = require "cordial"
                local helpers = require "alias"
                local plugin = cordial.plugin { name = "inner", version = "1.0.0", api = 1, description = helpers.text }
                return plugin
                """,
            "real.lua": "return { text = 'ok' }",
        ])
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("alias.lua"), withDestinationURL: directory.appendingPathComponent("real.lua"))
        let plugin = try PluginLoader(chunkNameRoot: folder.root).load(directory: directory)
        #expect(plugin.manifest.description == "ok")
    }

    @Test func aScriptCannotRequireALinkOutOfItsFolder() throws {
        let scripts = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-scripts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scripts) }
        try FileManager.default.createSymbolicLink(at: scripts.appendingPathComponent("env.lua"), withDestinationURL: outside.appendingPathComponent("env.lua"))
        try "print(require('env').secret)".write(to: scripts.appendingPathComponent("steal.lua"), atomically: true, encoding: .utf8)
        let outcome = try RunCommandTests.cordial(["run", scripts.appendingPathComponent("steal.lua").path])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("leads outside the module root (a link)"), "\(outcome.standardError)")
        #expect(!outcome.standardOutput.contains("SECRET-TOKEN"))
    }
}
