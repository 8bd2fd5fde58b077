import Foundation

/// A value of a letter's context as ``MustacheEngine`` reads it, told apart by its case:
/// no value is ever asked at render time what type it is (a dynamic cast per tag cost more
/// than the rest of the render, and on Linux a `String` or `Dictionary` in an `Any` asked
/// whether it is another type is first bridged to a Foundation object).
public enum LetterValue: @unchecked Sendable {
    case text(String)
    case object(LetterValues)
    case list([LetterValue])
    case flag(Bool)
    case lambda(LetterLambda)

    /// A value as JSON or a test gives it — dictionaries, arrays, strings, numbers, booleans,
    /// lambdas — read once into the engine's form; nil for `NSNull` (a missing value: a key
    /// holding it is left out, and so is a list item). Booleans are native `Bool`s: an
    /// `NSNumber` from `JSONSerialization` may read as one.
    public init?(reading value: Any) {
        switch value {
        case let read as LetterValue: self = read
        case let values as LetterValues: self = .object(values)
        case let lambda as LetterLambda: self = .lambda(lambda)
        case let text as String: self = .text(text)
        case let flag as Bool: self = .flag(flag)
        case let number as Int: self = .text(String(number))
        case let number as Double: self = .text(Self.text(of: number))
        case let list as [Any]: self = .list(list.compactMap { LetterValue(reading: $0) })
        case let object as [String: Any]: self = .object(LetterValues(object.compactMapValues { LetterValue(reading: $0) }))
        case is NSNull: return nil
        default: self = .text(String(describing: value))
        }
    }

    /// A number as a template prints it: whole numbers without a fraction.
    static func text(of number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }

    /// A record (an object or a list), which a letter cannot print as a value.
    var isRecord: Bool {
        switch self {
        case .object, .list: true
        case .text, .flag, .lambda: false
        }
    }
}

/// An object of a letter's context: its fields by name. Immutable once made (the context is
/// built, then only read), so one occasion's objects are shared by all its letters.
public final class LetterValues: @unchecked Sendable {
    let fields: [String: LetterValue]

    init(_ fields: [String: LetterValue]) {
        self.fields = fields
    }

    /// A letter's context from its objects, with the plugin's lambdas beside them (a lambda
    /// never hides a value of the same name).
    init(_ objects: [String: LetterValues], lambdas: [String: LetterLambda]) {
        var top: [String: LetterValue] = [:]
        top.reserveCapacity(objects.count + lambdas.count)
        for (name, lambda) in lambdas { top[name] = .lambda(lambda) }
        for (name, object) in objects { top[name] = .object(object) }
        self.fields = top
    }

    /// The object's texts as plain strings (what lint and JSON read).
    var plainTexts: [String: String] {
        fields.compactMapValues { if case .text(let text) = $0 { text } else { nil } }
    }
}
