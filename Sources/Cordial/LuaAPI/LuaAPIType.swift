import Foundation
import LuaHost

/// A parameter's LuaLS type (`integer`, `string|nil`, `cordial.CustomerFilter`,
/// `fun(c: cordial.Customer): string?`, `"long"|"short"`) as the installer checks it before a
/// function's body runs: the spec's parameter list is enforced, not only documented.
///
/// Lua's own conversion rules hold (an integer is also a float with an integer value or a
/// numeric string, as `luaL_checkinteger` has it); what a type cannot say (a range, one of
/// several strings, a table's fields) the body checks.
struct LuaAPIType: Sendable, Hashable {
    enum Kind: String, Sendable, Hashable {
        case any, `nil`, integer, number, string, boolean, table, function
    }

    /// The alternatives; any of them will do.
    let kinds: [Kind]
    /// nil (or no argument) is accepted too.
    let optional: Bool

    init(_ type: String, optional: Bool = false) {
        var text = type.trimmingCharacters(in: .whitespaces)
        var optional = optional
        // `string?` is optional; in `fun(c): string?` the mark belongs to the result.
        if text.hasSuffix("?") && !text.hasPrefix("fun(") {
            text.removeLast()
            optional = true
        }
        var kinds: [Kind] = []
        for alternative in Self.alternatives(of: text) {
            let kind = Self.kind(of: alternative)
            if kind == .nil { optional = true } else if !kinds.contains(kind) { kinds.append(kind) }
        }
        self.kinds = kinds
        self.optional = optional
    }

    /// `a|b|c` split at the top level (not inside `fun(…)`, `table<…>`, `{…}`).
    private static func alternatives(of text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for character in text {
            switch character {
            case "(", "<", "{", "[": depth += 1
            case ")", ">", "}", "]": depth -= 1
            case "|" where depth == 0:
                parts.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private static func kind(of alternative: String) -> Kind {
        switch alternative {
        case "any": return .any
        case "nil": return .nil
        case "integer": return .integer
        case "number": return .number
        case "string": return .string
        case "boolean": return .boolean
        case "function": return .function
        default:
            if alternative.hasPrefix("\"") { return .string }  // a literal: "long"
            if alternative.hasPrefix("fun(") { return .function }
            return .table  // cordial.X, T[], table<K, V>, {…}
        }
    }

    /// Whether argument `index` has this type.
    func accepts(_ arguments: LuaArguments, _ index: Int) -> Bool {
        let type = arguments.typeName(index)
        if type == "nil" || type == "no value" { return optional || kinds.contains(.any) }
        return kinds.contains { kind in
            switch kind {
            case .any: true
            case .nil: false
            case .integer: (try? arguments.get(index, "", as: Int64.self)) != nil
            case .number: (try? arguments.get(index, "", as: Double.self)) != nil
            case .string: type == "string"
            case .boolean: type == "boolean"
            case .table: type == "table"
            case .function: type == "function"
            }
        }
    }

    /// Refuses argument `index` unless it has this type, in the one argument-error shape:
    /// `cordial.customers.find: invalid 'limit': expected integer, got string`.
    func check(_ arguments: LuaArguments, _ index: Int, _ parameter: String) throws(LuaArgumentError) {
        guard !accepts(arguments, index) else { return }
        // A single numeric type: the reader's own words ("float with no integer representation").
        if kinds == [.integer] { _ = try arguments.get(index, parameter, as: Int64.self) }
        if kinds == [.number] { _ = try arguments.get(index, parameter, as: Double.self) }
        throw arguments.invalid(parameter, "expected \(expected), got \(arguments.typeName(index))")
    }

    /// "integer", "integer or string", "table or nil".
    var expected: String {
        var names = kinds.map(\.rawValue)
        if optional && !kinds.contains(.any) { names.append("nil") }
        return names.joined(separator: " or ")
    }
}
