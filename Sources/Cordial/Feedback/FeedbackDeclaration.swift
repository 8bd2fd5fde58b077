import CordialCore
import Foundation
import LuaHost

/// `plugin:feedback_categories`: the organisation's taxonomy of feedback, as a plugin declares it.
enum FeedbackDeclaration {
    /// Categories a plugin declares at most (every level counts).
    static let maximumCategories = 2_000

    /// `{ delay = { "departure", "arrival" }, baggage = { "delayed", damaged = { "bag", "contents" } }, ["check-in"] = {} }`:
    /// each key a category, each list item or key of its table a category under it, at most
    /// four levels deep.
    static func categories(_ arguments: LuaArguments, in context: PluginContext) throws {
        let value = try arguments.value(2, "categories")
        guard let spec = value.tableValue, spec.array.isEmpty, !spec.hash.isEmpty else {
            let got = value.tableValue.map { $0.hash.isEmpty ? ($0.array.isEmpty ? "an empty table" : "a list") : "a list and names" } ?? value.typeName
            throw arguments.invalid("categories", "expected the top categories by name, each with a table of those under it, such as { baggage = { \"delayed\", \"damaged\" }, [\"check-in\"] = {} }; got \(got)")
        }
        guard context.registrations.feedbackCategories.isEmpty else { throw PluginAPIError("feedback categories are declared twice") }
        var paths: [String] = []
        try collect(spec, under: nil, into: &paths)
        context.registrations.feedbackCategories = paths.sorted()
        context.registrations.feedbackCategoriesDefinedAt = arguments.callerLocation ?? context.file
    }

    private static func collect(_ table: LuaTable, under parent: String?, into paths: inout [String]) throws {
        func add(_ name: LuaValue) throws -> String {
            guard let name = name.stringValue else {
                throw PluginAPIError("a category name must be text, not \(name.typeName)")
            }
            guard !name.contains("/") else {
                throw PluginAPIError("'\(name.prefix(80))' is not a name: nest a table for the categories under a category")
            }
            let path = parent.map { "\($0)/\(name)" } ?? name
            if let problem = FeedbackCategory.problem(path) { throw PluginAPIError("\(problem)") }
            guard !paths.contains(path) else { throw PluginAPIError("'\(path)' is declared twice") }
            guard paths.count < maximumCategories else { throw PluginAPIError("a taxonomy has at most \(maximumCategories) categories") }
            paths.append(path)
            return path
        }
        for item in table.array {
            _ = try add(item)
        }
        for key in table.hash.keys.sorted(by: { ($0.stringValue ?? "") < ($1.stringValue ?? "") }) {
            let path = try add(key)
            guard let children = table.hash[key]?.tableValue else {
                throw PluginAPIError("'\(path)' must have a table of the categories under it ({} for none)")
            }
            try collect(children, under: path, into: &paths)
        }
    }
}

extension FeedbackDeclaration {
    /// `{ people = { "staff" }, process = { "delay", "check-in" }, equipment = { "baggage/damaged" } }`:
    /// each family of causes with the categories (and those under them) it gathers, for the
    /// cause-and-effect view of reports.
    static func causeFamilies(_ arguments: LuaArguments, in context: PluginContext) throws {
        let value = try arguments.value(2, "families")
        guard let spec = value.tableValue, spec.array.isEmpty, !spec.hash.isEmpty else {
            throw arguments.invalid("families", "expected families by name, each with a list of categories, such as { people = { \"staff\" } }")
        }
        guard context.registrations.causeFamilies.isEmpty else { throw PluginAPIError("cause families are declared twice") }
        var families: [CauseFamily] = []
        var claimed: [String: String] = [:]
        for key in spec.hash.keys.sorted(by: { ($0.stringValue ?? "") < ($1.stringValue ?? "") }) {
            guard let name = key.stringValue, PluginManifest.isValidName(name) else {
                throw PluginAPIError("'\(key.stringValue ?? key.typeName)' is not a family name (lower-case letters, digits, dashes)")
            }
            guard let list = spec.hash[key]?.tableValue, list.hash.isEmpty, !list.array.isEmpty else {
                throw PluginAPIError("'\(name)' must have a list of categories, such as { \"staff\", \"check-in/queue\" }")
            }
            var categories: [String] = []
            for item in list.array {
                guard let category = item.stringValue else { throw PluginAPIError("'\(name)': a category must be text, not \(item.typeName)") }
                if let problem = FeedbackCategory.problem(category) { throw PluginAPIError("'\(name)': \(problem)") }
                if let other = claimed[category] { throw PluginAPIError("'\(category)' is in two families, '\(other)' and '\(name)'") }
                claimed[category] = name
                categories.append(category)
            }
            families.append(CauseFamily(name: name, categories: categories))
        }
        context.registrations.causeFamilies = families
    }
}

/// A family of causes (people, process, equipment, environment, …) and the categories it gathers.
public struct CauseFamily: Sendable, Hashable, Codable {
    public var name: String
    public var categories: [String]

    /// Whether `category` is one of the family's, or under one.
    public func gathers(_ category: String) -> Bool {
        categories.contains { category == $0 || category.hasPrefix($0 + "/") }
    }
}
