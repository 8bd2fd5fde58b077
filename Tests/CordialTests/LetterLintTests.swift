import Cordial
import CordialCore
import Foundation
import Testing

/// `cordial letters lint`: every problem of a plugin's letters, each at its file and line.
@Suite struct LetterLintTests {
    let folder: PluginFolder
    let loader: PluginLoader

    init() throws {
        folder = try PluginFolder()
        loader = PluginLoader(chunkNameRoot: folder.root)
    }

    static let plugin = """
        local cordial = require "cordial"
        local plugin = cordial.plugin { name = "care", version = "1.0.0", api = 1 }
        plugin:letters { default_locale = "en", organisation = "Sen Vàng" }
        plugin:lambda("shout", function(text) return string.upper(text) end)
        plugin:segment("everyone", { labels = { "all" } }, function(c) return "all" end)
        plugin:policy("birthdays", {
          segment = "everyone:all", currency = "VND",
          care = { { on = "birthday", letter = "birthday" } },
        })
        return plugin
        """

    func lint(_ letters: [String: String], reach: [String: [String: Int]] = [:]) throws -> [String] {
        var files = ["plugin.lua": Self.plugin]
        for (name, text) in letters { files["letters/\(name)"] = text }
        try? FileManager.default.removeItem(at: folder.root.appendingPathComponent("care"))
        let directory = try folder.plugin("care", files)
        let plugin = try? loader.load(directory: directory)
        return LetterLint.lint(
            directory: directory, displayRoot: "care", plugin: plugin, plugins: plugin.map { [$0] } ?? [], settings: plugin?.registrations.letters, reach: reach
        ).map(\.description)
    }

    static let good = "---\nsubject: Happy birthday {{customer.short_name}}\n---\nDear {{customer.formal_name}},\n{{#gift}}{{name}}{{/gift}}{{^gift}}{{#shout}}a card{{/shout}}{{/gift}}\n{{organisation.name}}"

    @Test func aCleanPluginHasNoFindings() throws {
        #expect(try lint(["birthday.en.mustache": Self.good, "birthday.vi.mustache": Self.good], reach: ["birthdays": ["vi": 3, "en-GB": 2]]) == [])
    }

    @Test func findsUnknownVariablesSectionsAndPartialsInEveryBranch() throws {
        let template = "---\nsubject: Hi {{customer.nick}}\n---\n{{#gift}}{{name}} {{colour}}{{/gift}}\n{{^gift}}{{customer.shoe_size}}{{/gift}}\n{{#gfit}}x{{/gfit}}\n{{> footer}}"
        #expect(try lint(["birthday.en.mustache": template]) == [
            "care/letters/birthday.en.mustache:2: error: no letter's context provides 'customer.nick'",
            "care/letters/birthday.en.mustache:4: error: no letter's context provides 'colour'",
            "care/letters/birthday.en.mustache:5: error: no letter's context provides 'customer.shoe_size'",
            "care/letters/birthday.en.mustache:6: error: no letter's context provides 'gfit': this section never shows",
            "care/letters/birthday.en.mustache:7: error: no partial 'footer' (letters/partials/footer.mustache, or with a locale)",
        ])
    }

    @Test func findsFilesThatDoNotReadAndGoesOnWithTheOthers() throws {
        let findings = try lint([
            "birthday.en.mustache": Self.good,
            "broken.en.mustache": "---\nsubject: x\n---\n{{#a}}\n{{#b}}\n{{/a}}\n",
            "unused.en.mustache": "---\nsubject: x\n---\n{{customer.nick}}",
        ])
        #expect(findings == [
            "care/letters/broken.en.mustache:6: error: {{/a}} closes {{#b}} opened on line 5",
            "care/letters/unused.en.mustache:4: error: no letter's context provides 'customer.nick'",
        ])
    }

    @Test func warnsOfTemplatesNoPolicyUses() throws {
        #expect(try lint(["birthday.en.mustache": Self.good, "thanks.en.mustache": Self.good, "thanks.vi.mustache": Self.good]) == [
            "care/letters/thanks.en.mustache: warning: no policy uses template 'thanks' (campaign scripts may)",
        ])
    }

    @Test func findsLocalesThePolicyReachesWithoutAVariant() throws {
        let findings = try lint(["birthday.vi.mustache": Self.good, "birthday.en.mustache": Self.good], reach: ["birthdays": ["vi-VN": 10, "zh": 4, "en": 1]])
        #expect(findings == [
            "care/plugin.lua:6: warning: 4 customers policy 'birthdays' reaches write 'zh'; template 'birthday' has no variant for it, so they get care/letters/birthday.en.mustache",
        ])
        // Without a default locale and no file without a locale, they would get nothing at all.
        let noDefault = try lint(["birthday.vi.mustache": Self.good], reach: ["birthdays": ["zh": 4]])
        #expect(noDefault == [
            "care/plugin.lua:6: error: 4 customers policy 'birthdays' reaches write 'zh'; template 'birthday' has no variant for it and no default: add letters/birthday.zh.mustache",
        ])
    }
}
