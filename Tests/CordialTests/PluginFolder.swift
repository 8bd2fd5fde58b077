import Foundation

/// A temporary plugin folder for a test, removed with it.
final class PluginFolder {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-plugins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes `files` (path relative to the plugin → text) into plugin `name`'s folder.
    @discardableResult
    func plugin(_ name: String, _ files: [String: String]) throws -> URL {
        let directory = root.appendingPathComponent(name)
        for (path, text) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// A one-segment plugin: `body` is the segment function's body (`c` is the customer).
    @discardableResult
    func segmentPlugin(_ name: String, segment: String? = nil, version: String = "1.0.0", labels: String = "nil", body: String) throws -> URL {
        try plugin(name, ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "\(name)", version = "\(version)", api = 1 }
            plugin:segment("\(segment ?? name)", { labels = \(labels) }, function(c)
              \(body)
            end)
            return plugin
            """])
    }
}
