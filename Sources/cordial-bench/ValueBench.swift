import ArgumentParser
import CordialCore
import CordialStore
import Foundation

/// `cordial-bench value`: `cordial value fit` (read, fit, score every customer, store) against
/// the Python `lifetimes` package doing the same fit and scoring on the same store file, in one
/// run. The fitted parameters must agree, or the benchmark fails.
struct ValueBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "value",
        abstract: "cordial value fit against the Python lifetimes package on the same store.",
        discussion: "Needs a Python with lifetimes installed (make bench creates .build/lifetimes-venv).")

    @OptionGroup var store: BenchStoreOptions

    @Option(help: "Last day of the calibration period (YYYY-MM-DD).")
    var until: String

    @Option(help: "Time unit: day or week.")
    var unit = "week"

    @Option(help: "The Python interpreter that has lifetimes.")
    var python = ".build/lifetimes-venv/bin/python"

    @Option(help: "The baseline script.")
    var script = "bench/value_lifetimes.py"

    /// What bench/value_lifetimes.py prints.
    struct Baseline: Decodable {
        var customers: Int
        var times: [String: Double]
        var total: Double
        var bgnbd: [String: Double]
        var gammagamma: [String: Double]
        var peakMemoryMB: Int
    }

    func run() async throws {
        guard CalendarDays.day(of: until) != nil else { throw ValidationError("--until '\(until)' is not a date") }
        guard ValueTimeUnit(rawValue: unit) != nil else { throw ValidationError("--unit must be day or week") }
        let opened = try await store.open()
        let customers = try await opened.countCustomers(), purchases = try await opened.countPurchases()

        // Each side in a process of its own, cordial first: the peak memory of child processes is
        // the largest so far, so cordial's is its own; the Python script reports its own.
        var output = ""
        let wall = try BenchClock.seconds {
            output = try BenchClock.runTool(
                CordialExecutable.path, ["value", "fit", "--until", until, "--unit", unit, "--db", try store.path], keepingOutput: true)
        }
        let memory = BenchClock.peakChildMemoryMB()
        var pythonOutput = ""
        let pythonWall = try BenchClock.seconds {
            pythonOutput = try BenchClock.runTool(python, [script, try store.path, "--until", until, "--unit", unit], keepingOutput: true)
        }
        guard let line = pythonOutput.split(separator: "\n").last,
              let baseline = try? JSONDecoder().decode(Baseline.self, from: Data(line.utf8))
        else { throw BenchFailure("\(script) printed no result: \(pythonOutput.suffix(300))") }

        guard let fit = try await opened.latestValueFit() else { throw BenchFailure("cordial value fit stored no fit") }
        let steps = Self.steps(output)

        // The same data must give the same estimates (to 0.1 %: both optimisers stop near the optimum).
        let pairs: [(String, Double, Double?)] = [
            ("r", fit.purchases.r, baseline.bgnbd["r"]), ("α", fit.purchases.alpha, baseline.bgnbd["alpha"]),
            ("a", fit.purchases.a, baseline.bgnbd["a"]), ("b", fit.purchases.b, baseline.bgnbd["b"]),
            ("p", fit.spend.p, baseline.gammagamma["p"]), ("q", fit.spend.q, baseline.gammagamma["q"]),
            ("γ", fit.spend.gamma, baseline.gammagamma["v"]),
        ]
        for (name, ours, theirs) in pairs {
            guard let theirs, abs(ours - theirs) <= 1e-3 * abs(theirs) else {
                throw BenchFailure("estimates differ: \(name) = \(ours) here, \(theirs.map { "\($0)" } ?? "missing") in lifetimes")
            }
        }
        guard baseline.customers == fit.customers else {
            throw BenchFailure("customers differ: \(fit.customers) here, \(baseline.customers) in lifetimes")
        }

        let t = baseline.times
        print("cordial-bench value — \(try store.path): \(customers) customers, \(purchases) purchases; calibration to \(until) in \(unit)s; \(fit.customers) scored")
        print("")
        print("| step | lifetimes | cordial | ratio |")
        print("|---|---|---|---|")
        let rows: [(String, Double, Double)] = [
            ("read purchases (+ summarise)", (t["read"] ?? 0) + (t["summarise"] ?? 0), steps["read"] ?? .nan),
            ("fit BG/NBD + Gamma-Gamma", t["fit"] ?? 0, steps["fit"] ?? .nan),
            ("score every customer (RFM, P(alive), expected, CLV)", t["score"] ?? 0, steps["score"] ?? .nan),
            ("store the scores (cordial only)", 0, steps["save"] ?? .nan),
        ]
        for (name, theirs, ours) in rows {
            print(String(format: "| %@ | %.2f s | %.2f s | %@ |", name, theirs, ours, theirs > 0 ? String(format: "%.1f×", theirs / ours) : "—"))
        }
        print(String(format: "| whole process (interpreter start, imports; store open, save) | %.2f s, %d MB | %.2f s, %d MB | **%.1f×** |",
                     pythonWall, baseline.peakMemoryMB, wall, memory, pythonWall / wall))
        print(String(format: "| lifetimes' work only (no start-up) vs the whole cordial process | %.2f s | %.2f s | **%.1f×** |",
                     baseline.total, wall, baseline.total / wall))
        print("")
        print(String(format: "estimates (equal to 0.1 %%): r %.4f α %.4f a %.4f b %.4f; p %.4f q %.4f γ %.4f",
                     fit.purchases.r, fit.purchases.alpha, fit.purchases.a, fit.purchases.b, fit.spend.p, fit.spend.q, fit.spend.gamma))
        print("peak memory: the largest of the child processes so far (getrusage RUSAGE_CHILDREN)")
    }

    /// The step times `cordial value fit` prints: "read 1.23 s, fit 0.45 s, score …".
    static func steps(_ output: String) -> [String: Double] {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("read ") }) else { return [:] }
        var steps: [String: Double] = [:]
        for part in line.split(separator: ",") {
            let words = part.split(separator: " ")
            if words.count >= 2, let seconds = Double(words[1]) { steps[String(words[0])] = seconds }
        }
        return steps
    }
}
