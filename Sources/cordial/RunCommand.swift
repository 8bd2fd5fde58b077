import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation
import LuaHost

/// `cordial run SCRIPT.lua [ARG ...]`
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua script in the sandbox.",
        discussion: """
            The script gets its arguments as `arg` and as `...`; `print` writes to standard output, \
            and `require` finds `.lua` files beside the script. On failure the error, its file:line \
            and the Lua traceback go to standard error and the exit status is 1. With a store (--db, \
            $CORDIAL_DB or ./cordial.sqlite when it exists), `require "cordial"` reads and changes customers.
            """
    )

    @Option(name: .customLong("db"), help: "The store (default $CORDIAL_DB, else ./cordial.sqlite when it exists).")
    var database: String?

    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The Lua script to run.")
    var script: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments passed to the script.")
    var arguments: [String] = []

    @Option(name: .customLong("memory-limit"), help: "Memory cap of the script in megabytes (0: none).")
    var memoryLimit: Double = 64

    @Option(name: .customLong("time-limit"), help: "Wall-clock limit of the script in seconds (0: none).")
    var timeLimit: Double = 5

    func validate() throws {
        guard memoryLimit >= 0 else { throw ValidationError("--memory-limit must be 0 or more megabytes") }
        guard timeLimit >= 0 else { throw ValidationError("--time-limit must be 0 or more seconds") }
    }

    func run() throws {
        let limits = LuaLimits(
            memoryBytes: memoryLimit == 0 ? nil : Int(memoryLimit * 1_048_576),
            timeSeconds: timeLimit == 0 ? nil : timeLimit)
        // Without --db, a script runs without a store when the default one does not exist.
        var store: (any Store)?
        do {
            let location = try StoreLocation(database ?? StoreLocation.fromEnvironment)
            store = try waitForStore { try await location.open() }
        } catch StoreError.noStore(_) where database == nil {
            store = nil
        } catch let error as StoreError {
            throw CommandFailure(error.localizedDescription)
        }
        var runner = ScriptRunner(limits: limits, store: store) { text in
            StandardStreams.out(text)
        }
        // A script's campaigns are planned under the caps and events of the loaded plugins.
        let (registry, report) = pluginOptions.registry()
        if FileManager.default.fileExists(atPath: pluginOptions.roots[0].path) || !pluginOptions.folders.isEmpty {
            printProblems(report.problems)
        }
        runner.caps = registry.plugins.flatMap(\.registrations.frequencyCaps)
        runner.events = registry.plugins.flatMap(\.registrations.events)
        runner.approvals = registry.plugins.compactMap(\.registrations.approvals).first
        runner.letterTemplates = Set(registry.plugins.flatMap { plugin in plugin.letters.templates.keys.flatMap { [$0, "\(plugin.name)/\($0)"] } })
        runner.planned = { plan in
            StandardStreams.out(
                "plan \(plan.id ?? 0) of \(plan.campaign): \(plan.summary.actions) actions for \(plan.summary.customers) customers, costing \(plan.summary.cost) \(plan.limits.currency)"
                    + (plan.summary.heldBack.isEmpty ? "" : ", \(plan.summary.heldBack.values.reduce(0, +)) held back")
                    + (plan.summary.forecast.isEmpty ? "" : "; applied now, the limits would skip \(plan.summary.forecast.values.reduce(0, +)) (`cordial campaigns show \(plan.id ?? 0)`)")
                    + "; nothing is done until `cordial campaigns apply \(plan.id ?? 0)`\n")
        }
        do {
            try runner.run(script: URL(fileURLWithPath: script), arguments: arguments)
        } catch let error as LuaRunError {
            var report = "cordial: \(error.description)\n"
            if !error.traceback.isEmpty { report += error.traceback + "\n" }
            StandardStreams.error(report)
            throw ExitCode(1)
        } catch let error as StoreError {
            throw CommandFailure("\(script): \(error.localizedDescription)")
        } catch let error as LuaLoadError {
            StandardStreams.error("cordial: \(error.description)\n")
            throw ExitCode(1)
        }
    }
}

