import Foundation
import LuaHost

/// Lua functions as Mustache lambdas (`plugin:lambda`, and the spec's lambda suite): the
/// engine calls a lambda with a section's raw text ("" for `{{name}}`) and renders what it
/// returns. The engine cannot be told of an error, so the first one is kept here and the
/// renderer raises it once the letter is rendered: a failing lambda fails its letter.
///
/// For a letter (``beginLetter()``), each letter has a budget — calls, returned
/// bytes, time — since what a lambda returns is rendered again (a lambda returning its own
/// tag would never end), and what it returns must be text: nothing is a failure, never a
/// blank, and the engine renders the text as strictly as the letter (a name the context
/// lacks there is the lambda's failure, at its tag).
public final class LetterLambdas {
    public private(set) var failure: (name: String, error: any Error)?
    public private(set) var lambdas: [String: LetterLambda] = [:]
    /// Whether a letter is being rendered (its text is checked); false for the spec's plain lambdas.
    private var inLetter = false
    private var calls = 0
    private var bytes = 0
    private var started = Date()

    public static let maximumCalls = 1_000
    public static let maximumBytes = 64 * 1024
    public static let maximumSeconds: TimeInterval = 5

    /// Lambdas calling `functions` (by name); used on the thread of their Lua state.
    public init(_ functions: [String: LuaFunction]) {
        for (name, function) in functions {
            lambdas[name] = LetterLambda { [unowned self] text in self.call(function, name: name, text: text) }
        }
    }

    /// Starts a letter's budget and its checks; forgets an earlier failure.
    func beginLetter() {
        failure = nil
        inLetter = true
        calls = 0
        bytes = 0
        started = Date()
    }

    func call(_ function: LuaFunction, name: String, text: String) -> Any? {
        guard failure == nil else { return nil }
        calls += 1
        guard calls <= Self.maximumCalls, Date().timeIntervalSince(started) <= Self.maximumSeconds else {
            return fail(name, "the letter's lambdas ran more than \(Self.maximumCalls) times or \(Int(Self.maximumSeconds)) s (does one return its own tag?)")
        }
        let result: LuaValue
        do {
            result = try function.call(text, as: LuaValue.self)
        } catch {
            failure = (name, error)
            return nil
        }
        switch result {
        case .boolean(let flag): return flag
        case .integer(let number): return Int(number)
        case .number(let number): return number
        case .string(let string):
            guard let returned = string.text else { return fail(name, "returned text that is not valid UTF-8") }
            bytes += returned.utf8.count
            guard bytes <= Self.maximumBytes else { return fail(name, "the letter's lambdas returned more than \(Self.maximumBytes / 1024) KB") }
            if inLetter {
                if returned.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return fail(name, "returned no text: a letter has no blanks") }
                if let problem = Self.problem(in: returned) { return fail(name, problem) }
            }
            return returned
        case .nil:
            return inLetter ? fail(name, "returned nil: a letter has no blanks") : nil
        case let other:
            return fail(name, "returned a \(other.typeName); return a string, a number or a boolean")
        }
    }

    /// Why text a lambda returned cannot be rendered in a letter: tags nested too deep, tags
    /// letters leave out, or a partial. (Its values are checked where it renders: the engine
    /// renders a lambda's text as strictly as the letter, against the values in scope at its tag.)
    static func problem(in text: String) -> String? {
        let outline: MustacheOutline
        do {
            outline = try MustacheOutline(text)
        } catch {
            return "returned text whose tags do not read: \(error.message)"
        }
        guard outline.partials.isEmpty else { return "returned text naming a partial; a lambda's text names values only" }
        return nil
    }

    private func fail(_ name: String, _ message: String) -> Any? {
        if failure == nil { failure = (name, PluginAPIError(message)) }
        return nil
    }
}
