import ArgumentParser
import Cordial
import Foundation

/// `--plugins DIR` (repeatable; default $CORDIAL_PLUGINS, folders separated by ':', else ./plugins).
struct PluginOptions: ParsableArguments {
    @Option(name: .customLong("plugins"), help: "A plugin folder (repeatable; default $CORDIAL_PLUGINS, else ./plugins).")
    var folders: [String] = []

    var roots: [URL] {
        let paths = !folders.isEmpty
            ? folders
            : (ProcessInfo.processInfo.environment["CORDIAL_PLUGINS"].map { $0.split(separator: ":").map(String.init) } ?? ["plugins"])
        return paths.map { URL(fileURLWithPath: $0) }
    }

    /// The registry with every plugin loaded; problems are reported by the caller.
    func registry() -> (PluginRegistry, PluginRegistry.ReloadReport) {
        let registry = PluginRegistry(roots: roots)
        let report = registry.reload()
        return (registry, report)
    }
}

/// Prints plugin problems, one `file:line: message` per line, on standard error.
func printProblems(_ problems: [PluginError]) {
    for problem in problems {
        StandardStreams.error("\(problem.description)\n")
    }
}
