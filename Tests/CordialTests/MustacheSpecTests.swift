import Cordial
import CordialCore
import Foundation
import LuaHost
import Testing

/// The Mustache specification's suites (`../shared/data/mustache-spec/`) through the engine
/// letters use (`MustacheEngine`): every required module, and the lambda module with Lua
/// functions as lambdas.
/// The outline scanner (lines, sections, partials for lint and for loading templates) reads
/// every spec template too, with the same sections.
@Suite struct MustacheSpecTests {
    struct SpecFile: Decodable {
        struct Case: Decodable {
            var name: String
            var data: JSONValue
            var template: String
            var partials: [String: String]?
            var expected: String
        }
        var tests: [Case]
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data/mustache-spec").standardizedFileURL

    static func suite(_ name: String) throws -> [SpecFile.Case] {
        let url = folder.appendingPathComponent("\(name).json")
        return try JSONDecoder().decode(SpecFile.self, from: Data(contentsOf: url)).tests
    }

    /// JSON as the engine takes data: dictionaries, arrays, strings, numbers, booleans, NSNull.
    static func data(_ value: JSONValue) -> Any {
        switch value {
        case .null: NSNull()
        case .bool(let flag): flag
        case .integer(let number): Int(number)
        case .number(let number): number
        case .string(let text): text
        case .array(let items): items.map(data)
        case .object(let fields): fields.mapValues(data)
        }
    }

    static let required = ["comments", "delimiters", "interpolation", "inverted", "partials", "sections"]

    /// The same suites through letters' own renderer (HTML escaping on, as the spec expects).
    @Test(arguments: required)
    func requiredModulePassesThroughTheLetterEngine(module: String) throws {
        for test in try Self.suite(module) {
            let rendered = try MustacheEngine(test.template).render(Self.data(test.data), partials: test.partials ?? [:], escape: true)
            #expect(rendered == test.expected, "\(module): \(test.name)")
            // The outline reads the same template; a spec template is never a problem.
            #expect(throws: Never.self, "\(module): \(test.name)") { try MustacheOutline(test.template) }
        }
    }

    @Test func lambdaModulePassesThroughTheLetterEngine() throws {
        let cases = try Self.suite("~lambdas")
        #expect(cases.count == Self.luaLambdas.count, "a Lua lambda for every case of the suite")
        for test in cases {
            let source = try #require(Self.luaLambdas[test.name])
            let state = try LuaState(limits: LuaLimits(memoryBytes: 8 << 20, timeSeconds: 1))
            guard case .function(let function) = try state.evaluate(source).first, case .object(var fields) = test.data else {
                Issue.record("'\(test.name)': no function or no data")
                continue
            }
            let lambdas = LetterLambdas(["lambda": function])
            fields["lambda"] = nil
            var data = fields.mapValues(Self.data)
            data["lambda"] = lambdas.lambdas["lambda"]
            let rendered = try MustacheEngine(test.template).render(data, escape: true)
            #expect(rendered == test.expected, "lambdas: \(test.name)")
            state.close()
        }
    }

    /// Lua versions of the lambdas the spec gives in other languages (the spec carries none in Lua).
    static let luaLambdas: [String: String] = [
        "Interpolation": "return function() return 'world' end",
        "Interpolation - Expansion": "return function() return '{{planet}}' end",
        "Interpolation - Alternate Delimiters": "return function() return '|planet| => {{planet}}' end",
        "Interpolation - Multiple Calls": "local calls = 0\nreturn function() calls = calls + 1; return calls end",
        "Escaping": "return function() return '>' end",
        "Section": "return function(text) if text == '{{x}}' then return 'yes' else return 'no' end end",
        "Section - Expansion": "return function(text) return text .. '{{planet}}' .. text end",
        "Section - Alternate Delimiters": "return function(text) return text .. '{{planet}} => |planet|' .. text end",
        "Section - Multiple Calls": "return function(text) return '__' .. text .. '__' end",
        "Inverted Section": "return function() return false end",
    ]

    @Test func theOutlineFindsLinesSectionsAndItsProblems() throws {
        let outline = try MustacheOutline("Dear {{customer.name}},\n{{#gift}}\n  {{{name}}} {{& cost }}\n{{/gift}}{{! note }}\n{{=<% %>=}}<%^vip%><%>footer%><%/vip%>")
        #expect(outline.nodes == [
            .value(name: "customer.name", line: 1, escaped: true),
            .section(name: "gift", line: 2, inverted: false, body: [.value(name: "name", line: 3, escaped: false), .value(name: "cost", line: 3, escaped: false)]),
            .section(name: "vip", line: 5, inverted: true, body: [.partial(name: "footer", line: 5)]),
        ])
        #expect(outline.partials == ["footer"])
        let unclosed = try #require(throws: MustacheOutline.Problem.self) { try MustacheOutline("a\n{{#gift}}\nb\n") }
        #expect(unclosed.description == "line 2: {{#gift}} opened here is never closed")
        let crossed = try #require(throws: MustacheOutline.Problem.self) { try MustacheOutline("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}") }
        #expect(crossed.description == "line 3: {{/a}} closes {{#b}} opened on line 2")
        let stray = try #require(throws: MustacheOutline.Problem.self) { try MustacheOutline("x\n\n{{/a}}") }
        #expect(stray.description == "line 3: {{/a}} closes no section")
        let open = try #require(throws: MustacheOutline.Problem.self) { try MustacheOutline("x {{name") }
        #expect(open.description == "line 1: a tag opened here is never closed (no '}}')")
    }
}
