import Foundation
import Testing

/// The library functions the sandbox replaces with bounded copies (the pattern functions,
/// `string.rep`, `table.insert/remove/move/concat/sort`: CLuaHost/bounded.c) behave exactly as
/// Lua 5.4.4's own: the same generated calls — patterns, subjects, captures, replacements,
/// ranges, metamethod-logged tables and argument errors — through Debian's `lua5.4` and through
/// `cordial run` print the same output, line for line.
@Suite struct LibraryDifferentialTests {
    static let script = Bundle.module.resourceURL!.appendingPathComponent("differential/library_calls.lua")
    static let stockLua = "/usr/bin/lua5.4"

    @Test(arguments: [20_261_205, 7, 1_000_003])
    func theBoundedFunctionsAnswerAsStockLua(seed: Int) throws {
        let cases = "6000"
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.stockLua),
            "the differential test needs Debian's lua5.4 interpreter (apt-get install lua5.4; make test installs it)")
        let stock = try RunCommandTests.run(URL(fileURLWithPath: Self.stockLua), [Self.script.path, String(seed), cases])
        #expect(stock.status == 0, "lua5.4: \(stock.standardError)")
        let sandboxed = try RunCommandTests.cordial(["run", "--time-limit", "120", Self.script.path, String(seed), cases])
        #expect(sandboxed.status == 0, "cordial run: \(sandboxed.standardError)")

        let expected = stock.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        let actual = sandboxed.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        // The comparison means something only if the calls ran and both results and errors came out.
        #expect(expected.last(where: { !$0.isEmpty })?.hasPrefix("done ") == true, "lua5.4 did not finish the cases")
        #expect(expected.count { $0.contains(" ok ") } > 2000)
        #expect(expected.count { $0.contains(" error ") } > 1000)
        if let index = expected.indices.first(where: { $0 >= actual.count || expected[$0] != actual[$0] }), index < actual.count {
            Issue.record("seed \(seed), first difference:\nlua5.4:       \(expected[index])\ncordial run:  \(actual[index])")
        }
        #expect(expected.count == actual.count, "lua5.4 printed \(expected.count) lines, cordial run \(actual.count)")
    }
}
