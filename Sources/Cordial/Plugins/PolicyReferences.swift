import CordialCore
import Foundation
import LuaHost

/// What a policy names that only the whole set of plugins can tell: the segments and labels
/// it is for, the events it invites to, the letter templates it sends (files of its own
/// plugin). The registry refuses a plugin whose policy names one that is not there, at the
/// policy's `file:line`, so no plan ever meets it.
enum PolicyReferences {
    /// Problems of each plugin's policies against the others in `plugins`, as located errors.
    static func problems(in plugins: [Plugin]) -> [(plugin: Plugin, error: PluginError)] {
        var segments: [String: SegmentRegistration] = [:]
        var events: Set<String> = []
        for plugin in plugins {
            for segment in plugin.segments { segments[segment.name] = segment }
            for event in plugin.registrations.events { events.insert(event.name) }
        }
        var found: [(Plugin, PluginError)] = []
        for plugin in plugins {
            for policy in plugin.registrations.policies {
                func problem(_ message: String) { found.append((plugin, PluginError(location: policy.definedAt, message: "policy '\(policy.name)': \(message)"))) }
                for selector in policy.segments {
                    guard let segment = segments[selector.segment] else {
                        problem("no segment '\(selector.segment)' is registered (known: \(segments.keys.sorted().joined(separator: ", ")))")
                        continue
                    }
                    if let label = selector.label, let labels = segment.labels, !labels.contains(label) {
                        problem("segment '\(segment.name)' has no label '\(label)' (known: \(labels.joined(separator: ", ")))")
                    }
                }
                for (index, item) in policy.items.enumerated() {
                    switch item.action {
                    case .invitation(let event, _) where !events.contains(event):
                        problem("care[\(index + 1)]: no event '\(event)' is declared (plugin:event)")
                    case .letter(let template, _, _) where !hasTemplate(template, in: plugin):
                        problem("care[\(index + 1)]: no letter template '\(template)' in \(plugin.main.displayPath.replacingOccurrences(of: "plugin.lua", with: "letters/"))")
                    default: break
                    }
                }
            }
        }
        return found
    }

    /// `letters/NAME.mustache` or `letters/NAME.LOCALE.mustache` in the plugin's folder, as loaded.
    static func hasTemplate(_ name: String, in plugin: Plugin) -> Bool {
        plugin.letters.templates[name] != nil
    }
}
