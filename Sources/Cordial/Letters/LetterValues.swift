import Mustache

/// A letter's context as the engine reads it: objects and texts as classes of our own. The
/// engine asks each value whether it is one of its protocols; asked of a `String` or a
/// `Dictionary`, Swift on Linux tries bridging them to Foundation objects first, which cost
/// more than the rest of a letter. A class answers at once.
final class LetterValues: MustacheParent, @unchecked Sendable {
    /// Immutable once made (the context is built, then only read).
    let fields: [String: Any]

    init(_ fields: [String: Any]) {
        self.fields = fields
    }

    /// A letter's context from its typed fields, with the plugin's lambdas beside them
    /// (a lambda never hides a value of the same name): no cast is made.
    init(fields: [String: [String: String]], lambdas: [String: MustacheLambda]) {
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

    func child(named name: String) -> Any? { fields[name] }
}

/// A text value of a letter, rendered as it is (letters are plain text).
final class LetterText: MustacheCustomRenderable, CustomStringConvertible, @unchecked Sendable {
    let text: String
    init(_ text: String) { self.text = text }
    var renderText: String { text }
    var isNull: Bool { false }
    var description: String { text }
}
