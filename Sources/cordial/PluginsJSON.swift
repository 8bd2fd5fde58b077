import Cordial

/// The `--json` shapes of `cordial plugins list|check|test` (snake_case keys, as every
/// command's JSON). Problems are in the JSON too, not only on standard error.
enum PluginsJSON {
    struct Problem: Encodable {
        let location: String
        let message: String

        init(_ error: PluginError) {
            location = error.location
            message = error.message
        }
    }

    struct Plugin: Encodable {
        let name: String
        let version: String
        let api: Int
        let description: String
        let permissions: [String]
        let segments: [String]
        let policies: [String]
        let frequencyCaps: Int
        let events: Int
        let approvalLevels: Bool

        init(_ plugin: Cordial.Plugin) {
            name = plugin.name
            version = plugin.manifest.version.description
            api = plugin.manifest.api
            description = plugin.manifest.description
            permissions = plugin.manifest.permissions.sorted().map(\.rawValue)
            segments = plugin.segments.map(\.name)
            policies = plugin.registrations.policies.map(\.name)
            frequencyCaps = plugin.registrations.frequencyCaps.count
            events = plugin.registrations.events.count
            approvalLevels = plugin.registrations.approvals != nil
        }

        enum CodingKeys: String, CodingKey {
            case name, version, api, description, permissions, segments, policies
            case frequencyCaps = "frequency_caps", events, approvalLevels = "approval_levels"
        }
    }

    /// `plugins list` and `plugins check`: what loaded, and every problem.
    struct Loaded: Encodable {
        let plugins: [Plugin]
        let problems: [Problem]
    }

    struct TestResult: Encodable {
        let plugin: String
        let test: String
        let passed: Bool
        let failure: String?
    }

    /// `plugins test`.
    struct Tests: Encodable {
        let results: [TestResult]
        let problems: [Problem]
        let passed: Int
        let failed: Int
    }
}
