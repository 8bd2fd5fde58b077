import Foundation

/// Timing helpers shared by the benchmarks.
enum BenchClock {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Runs a tool found on PATH with standard output discarded; a failure is an error.
    static func runTool(_ name: String, _ arguments: [String]) throws {
        _ = try runTool(name, arguments, keepingOutput: false)
    }

    /// Runs a tool found on PATH; returns its standard output when `keepingOutput`.
    static func runTool(_ name: String, _ arguments: [String], keepingOutput: Bool) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let pipe = Pipe()
        process.standardOutput = keepingOutput ? pipe : FileHandle.nullDevice
        try process.run()
        let output = keepingOutput ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("\(name) failed (status \(process.terminationStatus))") }
        return String(decoding: output, as: UTF8.self)
    }

    /// Runs `count` copies of a program at once and waits for all; their standard outputs.
    static func runTogether(_ path: String, count: Int, _ arguments: [String]) throws -> [String] {
        let started = try (0..<count).map { _ -> (Process, Pipe) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            return (process, pipe)
        }
        return try started.map { process, pipe in
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw BenchFailure("\(path) failed (status \(process.terminationStatus))") }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// The largest peak resident memory of the child processes that have ended so far.
    static func peakChildMemoryMB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    /// The process's peak resident memory so far.
    static func peakMemoryMB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}
