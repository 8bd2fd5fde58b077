import Cordial
import CordialCore
import CordialFuzz
import Foundation
import LuaHost
import Testing

/// The fuzz targets' corpora (`Fuzz/corpus/TARGET/`: the seeds, and every input a fuzzing run
/// found a problem with, once fixed) replayed through the targets without the fuzzer, so that
/// what a run found stays fixed (docs/security.md, "Fuzzing").
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    /// Each on a thread of its own: the lua-api target waits for the store, which a test's
    /// cooperative thread must not.
    @Test(arguments: FuzzTarget.allCases)
    func everyCorpusInputHolds(_ target: FuzzTarget) async throws {
        let folder = Self.corpus.appendingPathComponent(target.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names.count >= 5, "\(target.rawValue) has a seed corpus")
        let inputs = try names.map { (name: $0, bytes: Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
        let violations = await withCheckedContinuation { (continuation: CheckedContinuation<[String], Never>) in
            Thread {
                continuation.resume(returning: inputs.compactMap { input in target.run(input.bytes).map { "\(input.name): \($0)" } })
            }.start()
        }
        #expect(violations.isEmpty, "\(target.rawValue): \(violations.joined(separator: "; "))")
    }

    /// The targets' checks can fail: what each looks for is reported when it is there.
    @Test func theChecksCatchWhatTheyLookFor() {
        #expect(OneLine.problem(in: "fuzz.csv:2: bad\nrow", "x") != nil)
        #expect(OneLine.problem(in: "fuzz.csv:2: \u{1B}[31m", "x") != nil)
        #expect(OneLine.problem(in: "fuzz.csv:2: column 'birthday': is not a date", "x") == nil)
        let elsewhere = ImportError(issues: [ImportIssue(file: "other.csv", line: 1, problem: "bad")], total: 1)
        #expect(ImportFuzz.check(elsewhere, file: "fuzz.csv", data: Data("a\n".utf8)) != nil)
        let pastTheEnd = ImportError(issues: [ImportIssue(file: "fuzz.csv", line: 9, problem: "bad")], total: 1)
        #expect(ImportFuzz.check(pastTheEnd, file: "fuzz.csv", data: Data("a\n".utf8)) != nil)
        #expect(!JSONFuzz.same(.object(["a": .integer(1)]), .object(["a": .integer(2)])))
        #expect(JSONFuzz.same(.number(1), .integer(1)))
        #expect(!LuaValueFuzz.same(.table(LuaTable(array: [1])), .table(LuaTable(array: [1, 2]))))
        #expect(!LuaValueFuzz.same(.number(0), .number(-0.0)))
        let fields = [["a", "b\"c", "line\nbreak"], ["", "x"]]
        #expect(CSVFuzz.read(CSVFuzz.write(fields, separator: UInt8(ascii: ",")))?.0.map(\.fields) == fields)
    }
}
