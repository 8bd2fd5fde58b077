import LuaHost
import Mustache

/// Lua functions as Mustache lambdas (`plugin:lambda`, and the spec's lambda suite): the
/// engine calls a lambda with a section's raw text ("" for `{{name}}`) and renders what it
/// returns. The engine cannot be told of an error, so the first one is kept here and the
/// renderer raises it once the letter is rendered: a failing lambda fails its letter.
public final class LetterLambdas {
    public private(set) var failure: (name: String, error: any Error)?
    public private(set) var lambdas: [String: MustacheLambda] = [:]

    /// Lambdas calling `functions` (by name); used on the thread of their Lua state.
    public init(_ functions: [String: LuaFunction]) {
        for (name, function) in functions {
            lambdas[name] = MustacheLambda { [unowned self] text in self.call(function, name: name, text: text) }
        }
    }

    /// Forgets an earlier failure before the next letter.
    public func reset() { failure = nil }

    func call(_ function: LuaFunction, name: String, text: String) -> Any? {
        guard failure == nil else { return nil }
        do {
            switch try function.call(text, as: LuaValue.self) {
            case .nil: return nil
            case .boolean(let flag): return flag
            case .integer(let number): return Int(number)
            case .number(let number): return number
            case .string(let string):
                guard let text = string.text else {
                    failure = (name, PluginAPIError("lambda '\(name)' returned text that is not valid UTF-8"))
                    return nil
                }
                return text
            case let other:
                failure = (name, PluginAPIError("lambda '\(name)' returned a \(other.typeName); return a string, a number, a boolean or nil"))
                return nil
            }
        } catch {
            failure = (name, error)
            return nil
        }
    }
}
