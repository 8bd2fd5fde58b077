import CordialCore
import Foundation

/// The categories the loaded plugins declare, for checking what staff and imports file.
public struct FeedbackTaxonomy: Sendable {
    public let categories: Set<String>

    public init(plugins: [Plugin]) {
        categories = Set(plugins.flatMap(\.registrations.feedbackCategories))
    }

    init(categories: Set<String>) {
        self.categories = categories
    }

    /// Why `category` cannot be filed; nil when it can. The message names what can be
    /// filed at the level that went wrong.
    public func problem(_ category: String) -> String? {
        if let problem = FeedbackCategory.problem(category) { return problem }
        guard !categories.isEmpty else {
            return "no plugin declares feedback categories (plugin:feedback_categories); see docs/plugin-guide.md"
        }
        if categories.contains(category) { return nil }
        // The deepest known parent, and the names under it.
        let parent = FeedbackCategory.lineage(category).dropLast().last { categories.contains($0) }
        let siblings = categories.filter { path in
            if let parent { return path.hasPrefix(parent + "/") && !path.dropFirst(parent.count + 1).contains("/") }
            return !path.contains("/")
        }.sorted()
        let shown = siblings.prefix(12).joined(separator: ", ") + (siblings.count > 12 ? ", …" : "")
        return "no feedback category '\(category.prefix(80))'" + (parent.map { " under '\($0)'" } ?? "") + "; known: \(shown)"
    }
}
