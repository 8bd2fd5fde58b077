import Foundation
import CordialCore
import LuaHost

/// `plugin:letters` and `plugin:lambda`: what a plugin declares for its letters.
enum LetterDeclaration {
    static func settings(_ arguments: LuaArguments, in context: PluginContext) throws {
        let value = try arguments.value(2, "settings")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("settings", "expected a table such as { default_locale = \"vi\", sender = \"Care <care@example.vn>\" }, got \(value.typeName)")
        }
        guard context.registrations.letters == nil else { throw PluginAPIError("letter settings are declared twice") }
        try PolicyDeclaration.checkKeys(spec, ["default_locale", "sender", "organisation"], "letters: unknown field")
        var settings = LetterSettings(definedAt: arguments.callerLocation ?? context.file)
        if !spec["default_locale"].isNil {
            guard let locale = spec["default_locale"].stringValue, LetterTemplate.isLocale(locale) else {
                throw PluginAPIError("letters: default_locale must be a locale such as \"vi\" or \"en-GB\"")
            }
            settings.defaultLocale = locale
        }
        if !spec["sender"].isNil {
            guard let sender = spec["sender"].stringValue, EmailAddress.isValidMailbox(sender) else {
                throw PluginAPIError("letters: sender must be \"Name <address@example.com>\" or an address")
            }
            settings.sender = sender
        }
        if !spec["organisation"].isNil {
            guard let name = spec["organisation"].stringValue, !name.isEmpty, name.utf8.count <= 200, !name.contains(where: \.isNewline) else {
                throw PluginAPIError("letters: organisation must be the organisation's name, one line of at most 200 bytes")
            }
            settings.organisation = name
        }
        context.registrations.letters = settings
    }

    static func lambda(_ arguments: LuaArguments, in context: PluginContext) throws {
        let name = try arguments.get(2, "name", as: String.self)
        guard PluginManifest.isValidName(name) || name.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
            throw arguments.invalid("name", "'\(name.prefix(40))' is not a valid lambda name: lower-case letters, digits, dashes or underscores")
        }
        guard !LetterContext.roots.contains(name) else {
            throw arguments.invalid("name", "'\(name)' is a name of the letters' context (\(LetterContext.roots.joined(separator: ", "))); choose another")
        }
        guard context.letterLambdas[name] == nil else { throw PluginAPIError("lambda '\(name)' is declared twice") }
        guard case .function(let function) = try arguments.value(3, "fn") else {
            throw arguments.invalid("fn", "expected a function(text) returning the text to render")
        }
        context.letterLambdas[name] = function
        context.registrations.lambdas.append(name)
    }
}
