import CordialCore
import Foundation
import LuaHost

/// The plugin object `cordial.plugin` returns; segments are registered on it.
final class PluginHandle {
    let manifest: PluginManifest
    init(manifest: PluginManifest) { self.manifest = manifest }
}

/// What `cordial.plugin { … }` and `plugin:segment(…)` check and record. Every refusal is a
/// Lua error, so the admin reads it at the line of `plugin.lua` that made it.
enum PluginDeclaration {
    static let manifestKeys: Set<String> = ["name", "version", "api", "description", "permissions"]
    static let segmentOptionKeys: Set<String> = ["description", "labels", "rfm", "value"]

    static func declare(_ value: LuaValue, in context: PluginContext) throws -> LuaValue {
        guard context.manifest == nil else { throw PluginAPIError("cordial.plugin was already called in this plugin") }
        guard let table = value.tableValue else {
            throw PluginAPIError("cordial.plugin expects a table (the manifest), got \(value.typeName)")
        }
        for key in table.hash.keys {
            guard let name = key.stringValue, manifestKeys.contains(name) else {
                throw PluginAPIError("unknown manifest field '\(key.stringValue ?? key.typeName)' (known: \(manifestKeys.sorted().joined(separator: ", ")))")
            }
        }
        guard let name = table["name"].stringValue else { throw PluginAPIError("the manifest needs a name (a string)") }
        guard PluginManifest.isValidName(name) else {
            throw PluginAPIError("plugin name '\(name)' is not valid: use lower-case letters, digits and dashes, starting with a letter")
        }
        guard let versionText = table["version"].stringValue else { throw PluginAPIError("the manifest needs a version (a string such as \"1.0.0\")") }
        guard let version = SemanticVersion(versionText) else {
            throw PluginAPIError("version '\(versionText)' is not a semantic version (MAJOR.MINOR.PATCH, such as \"1.0.0\")")
        }
        guard let api = table["api"].integerValue else {
            throw PluginAPIError("the manifest needs api = \(CordialVersion.luaAPI) (the cordial API version the plugin targets)")
        }
        guard api >= 1, api <= CordialVersion.luaAPI else {
            throw PluginAPIError("the plugin targets cordial API \(api); this host provides API \(CordialVersion.luaAPI)")
        }
        let description = table["description"]
        guard description.isNil || description.stringValue != nil else { throw PluginAPIError("description must be a string") }
        var permissions: Set<Permission> = []
        let listed = table["permissions"]
        if !listed.isNil {
            guard let list = listed.tableValue, list.hash.isEmpty else {
                throw PluginAPIError("permissions must be a list of strings, such as { \"customers.read\" }")
            }
            for entry in list.array {
                guard let text = entry.stringValue, let permission = Permission(rawValue: text) else {
                    throw PluginAPIError("unknown permission '\(entry.stringValue ?? entry.typeName)' (known: \(Permission.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                permissions.insert(permission)
            }
        }
        let manifest = PluginManifest(
            name: name, version: version, api: Int(api), description: description.stringValue ?? "", permissions: permissions)
        context.manifest = manifest
        return .object(LuaObjectBox(PluginHandle(manifest: manifest)))
    }

    static func segment(_ arguments: LuaArguments, in context: PluginContext) throws {
        let name = try arguments.get(2, "name", as: String.self)
        guard PluginManifest.isValidName(name) else {
            throw arguments.invalid("name", "'\(name)' is not a valid segment name: use lower-case letters, digits and dashes")
        }
        guard !context.registrations.segments.contains(where: { $0.name == name }) else {
            throw PluginAPIError("segment '\(name)' is registered twice")
        }
        // What a registration keeps outlives the call that charged it: bounded here.
        guard context.registrations.segments.count < SegmentLabels.maximumSegmentsPerPlugin else {
            throw PluginAPIError("a plugin registers at most \(SegmentLabels.maximumSegmentsPerPlugin) segments")
        }
        // options may be left out: plugin:segment(name, function … end)
        var optionsValue = try arguments.value(3, "options")
        var functionIndex = 4
        if optionsValue.functionValue != nil {
            optionsValue = .nil
            functionIndex = 3
        }
        var description = ""
        var labels: [String]?
        var rfm = false, value = false
        if !optionsValue.isNil {
            guard let options = optionsValue.tableValue, options.array.isEmpty else {
                throw arguments.invalid("options", "expected a table of options, got \(optionsValue.typeName)")
            }
            for key in options.hash.keys {
                guard let option = key.stringValue, segmentOptionKeys.contains(option) else {
                    throw arguments.invalid("options", "unknown option '\(key.stringValue ?? key.typeName)' (known: \(segmentOptionKeys.sorted().joined(separator: ", ")))")
                }
            }
            if !options["description"].isNil {
                guard let text = options["description"].stringValue else { throw arguments.invalid("options", "description must be a string") }
                guard text.utf8.count <= SegmentLabels.maximumDescriptionBytes else {
                    throw arguments.invalid("options", "description is \(text.utf8.count) bytes; at most \(SegmentLabels.maximumDescriptionBytes)")
                }
                description = text
            }
            if !options["labels"].isNil {
                guard let list = options["labels"].tableValue, list.hash.isEmpty, !list.array.isEmpty,
                      list.array.allSatisfy({ ($0.stringValue.map(SegmentLabels.isValid)) ?? false }) else {
                    throw arguments.invalid("options", "labels must be a non-empty list of labels (1 to 64 bytes of text without control characters)")
                }
                guard list.array.count <= SegmentLabels.maximumCount else {
                    throw arguments.invalid("options", "\(list.array.count) labels; a segment declares at most \(SegmentLabels.maximumCount)")
                }
                labels = list.array.compactMap(\.stringValue)
            }
            if !options["rfm"].isNil {
                guard let flag = options["rfm"].boolValue else { throw arguments.invalid("options", "rfm must be true or false") }
                rfm = flag
            }
            if !options["value"].isNil {
                guard let flag = options["value"].boolValue else { throw arguments.invalid("options", "value must be true or false") }
                value = flag
            }
        }
        let function = try arguments.get(Int(functionIndex), "classify", as: LuaFunction.self)
        context.registrations.segments.append(SegmentRegistration(
            name: name, description: description, labels: labels, needsRFM: rfm, needsValue: value,
            definedAt: function.definedAt ?? context.file))
        context.segmentFunctions[name] = function
    }
}

/// What a label may be: 1 to 64 bytes of UTF-8 text without control characters (a 200 KB "label" of combining accents is not one).
enum SegmentLabels {
    /// At most this many bytes of UTF-8: what the store keeps for every customer and run.
    static let maximumBytes = 64
    /// Labels a segment may declare, segments a plugin may register, and the bytes of a
    /// segment's description: what registration keeps in Swift after its call is bounded.
    static let maximumCount = 1_000
    static let maximumSegmentsPerPlugin = 1_000
    static let maximumDescriptionBytes = 2_000

    static func isValid(_ label: String) -> Bool {
        (1...maximumBytes).contains(label.utf8.count) && !label.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
