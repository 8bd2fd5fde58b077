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
