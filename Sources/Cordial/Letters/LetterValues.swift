
/// A letter's context as the engine reads it: objects and texts as classes of our own, told
/// apart by one class check each (a `String` or a `Dictionary` in an `Any`, asked whether it
/// is another type, is first bridged to a Foundation object on Linux).
final class LetterValues: @unchecked Sendable {
    /// Immutable once made (the context is built, then only read).
    let fields: [String: Any]

    init(_ fields: [String: Any]) {
        self.fields = fields
    }

    /// A letter's context from its typed fields, with the plugin's lambdas beside them
    /// (a lambda never hides a value of the same name): no cast is made.
    init(fields: [String: [String: String]], lambdas: [String: LetterLambda]) {
        var top: [String: Any] = [:]
        top.reserveCapacity(fields.count + lambdas.count)
        for (name, lambda) in lambdas { top[name] = lambda }
        for (name, object) in fields {
            var texts: [String: Any] = [:]
            texts.reserveCapacity(object.count)
            for (key, text) in object { texts[key] = LetterText(text) }
            top[name] = LetterValues(texts)
        }
        self.fields = top
    }

}

/// A text value of a letter, rendered as it is (letters are plain text).
final class LetterText: CustomStringConvertible, @unchecked Sendable {
    let text: String
    init(_ text: String) { self.text = text }
    var description: String { text }
}
