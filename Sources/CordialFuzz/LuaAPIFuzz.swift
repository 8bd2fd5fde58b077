import Cordial
import CordialStore
import Foundation
import Logging
import LuaHost

/// The Lua API's argument decoding: a script calls one `cordial.*` function with generated
/// arguments (extreme integers, NaN, infinities, bytes that are not UTF-8, nested tables)
/// under `pcall`, as `cordial run` runs it, against a store of a few demo customers. The call
/// returns or fails with a message; a trap or crash ends the fuzzer, and the script's own
/// result says whether the message was a one-line string.
final class LuaAPIFuzz: @unchecked Sendable {
    static let shared = LuaAPIFuzz()
    /// The store and script files, removed when the process exits.
    nonisolated(unsafe) static var directoryToRemove: String?

    let directory: URL
    let script: URL
    let store: (any Store)?
    let functions: [String]

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        script = directory.appendingPathComponent("fuzz.lua")
        functions = LuaAPI.functions.filter { $0.module == "cordial" && !$0.name.contains(":") }.map(\.name).sorted()
        LuaAPIFuzz.directoryToRemove = directory.path
        atexit { if let path = LuaAPIFuzz.directoryToRemove { try? FileManager.default.removeItem(atPath: path) } }
        let path = directory.appendingPathComponent("store.sqlite").path
        store = LuaAPIFuzz.wait {
            let store = try await StoreLocation.sqlite(path: path).open(creating: true)
            try await store.migrate()
            var csv = ""
            try DemoOrganisation(seed: 7).writeCustomers(count: 5) { csv += $0 }
            _ = try await store.apply(try CustomerImporter(source: "demo").batch(from: Data(csv.utf8), format: .csv, fileName: "c.csv"), dryRun: false)
            return store
        }
    }

    func run(_ bytes: [UInt8]) -> String? {
        guard let store else { return "the fuzz store could not be made" }
        var input = FuzzInput(bytes)
        let function = functions[input.choice(functions.count)]
        let arguments = (0..<input.choice(5)).map { _ in LuaLiteral.source(of: input.value()) }
        // The script always ends with an error naming the outcome, so that what a call queued
        // is dropped: every input meets the same store (reproducible, minimisable).
        let source = """
            local cordial = require "cordial"
            local ok, problem = pcall(\((["cordial." + function] + arguments).joined(separator: ", ")))
            if ok then error("outcome: ok", 0) end
            if type(problem) ~= "string" then error("outcome: a " .. type(problem) .. " raised", 0) end
            if problem == "" then error("outcome: an empty message", 0) end
            error("outcome: refused", 0)
            """
        // CORDIAL_FUZZ_SHOW=1 prints each script, to see what an input found.
        if ProcessInfo.processInfo.environment["CORDIAL_FUZZ_SHOW"] != nil { print(source) }
        do {
            try source.write(to: script, atomically: false, encoding: .utf8)
            var runner = ScriptRunner(limits: LuaLimits(memoryBytes: 64 << 20, timeSeconds: 2), store: store) { _ in }
            runner.logger = Logger(label: "cordial.fuzz") { _ in SwiftLogNoOpLogHandler() }
            try runner.run(script: script, arguments: [])
            return "cordial.\(function): the script did not end with its outcome"
        } catch let error as LuaRunError {
            if error.message == "outcome: ok" || error.message == "outcome: refused" { return nil }
            if error.message.hasPrefix("outcome: ") { return "cordial.\(function): \(error.message.dropFirst(9))" }
            // A limit ended the script (a generated 2^62-day range, say): fine, if it says so.
            if error.kind == .timeLimit || error.kind == .memoryLimit { return nil }
            return "cordial.\(function): the script failed outside the call: \(error.message)"
        } catch {
            // A script that does not compile is the generator's fault, not the API's.
            return "the generated script was refused: \(error)"
        }
    }

    /// Runs async store work from the fuzzer's synchronous thread.
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.result = try? await work()
            done.signal()
        }
        done.wait()
        return box.result
    }

    final class ResultBox<T>: @unchecked Sendable { var result: T? }
}

/// Lua source text of a value: what a script would write to pass it.
enum LuaLiteral {
    static func source(of value: LuaValue) -> String {
        switch value {
        case .nil: return "nil"
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let integer): return integer == .min ? "math.mininteger" : "\(integer)"
        case .number(let number):
            if number.isNaN { return "(0/0)" }
            if number.isInfinite { return number > 0 ? "(1/0)" : "(-1/0)" }
            return String(format: "%a", number)
        case .string(let text): return quoted(text.bytes)
        case .table(let table):
            let items = table.array.map(source(of:)) + table.hash.map { "[\(source(of: $0.key))] = \(source(of: $0.value))" }
            return "{" + items.joined(separator: ", ") + "}"
        default: return "nil"
        }
    }

    static func quoted(_ bytes: [UInt8]) -> String {
        var out = "\""
        for byte in bytes {
            if (0x20..<0x7F).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "\\" + String(format: "%03d", byte)
            }
        }
        return out + "\""
    }
}
