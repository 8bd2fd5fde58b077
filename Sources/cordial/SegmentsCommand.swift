import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation
import Logging

/// `cordial segments run|list|show|history`
struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments", abstract: "Run segment plugins and look at their membership and history.",
        subcommands: [RunSegments.self, ListSegments.self, ShowSegment.self, SegmentHistory.self])
}

struct RunSegments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Classify every customer with the segment plugins and record who entered and left.",
        discussion: "A segment whose function fails on a customer is not written at all; the others are.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "Segments to run (default: every registered segment).")
    var names: [String] = []

    @Option(help: "Lua worker threads.")
    var workers: Int = 1

    @Option(name: .customLong("as-of"), help: "Classify as of this date (YYYY-MM-DD, default today): recency counts to it and history records it.")
    var asOf: String?

    @Flag(help: "Share the run with the other `segments run --shared` processes of the same segments on this store: each classifies customer id ranges nobody else holds, and the run is written once, as one run per segment.")
    var shared = false

    @Option(help: "With --shared: seconds after which a part whose process stopped renewing it (a process that died) may be taken over.")
    var lease: Double = 60

    @Option(name: .customLong("part-size"), help: "With --shared, when this process opens the run: customer ids per part.")
    var partSize: Int64 = 10_000

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be 1 to 64") }
        guard lease >= 1, lease <= 86_400 else { throw ValidationError("--lease must be 1 to 86400 seconds") }
        guard (1...100_000_000).contains(partSize) else { throw ValidationError("--part-size must be 1 to 100000000 customer ids") }
        if let asOf, CalendarDays.day(of: asOf) == nil { throw ValidationError("--as-of '\(asOf)' is not a date (YYYY-MM-DD)") }
    }

    func run() async throws {
        let opened = try await store.open()
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        let at = asOf.flatMap(CalendarDays.day(of:)).map(CalendarDays.date(ofDay:)) ?? Date()
        var logger = Logger(label: "cordial")
        logger.logLevel = .info
        let runner = SegmentRunner(store: opened, plugins: registry.plugins, loader: registry.loader, workers: workers, at: at, logger: logger)
        let total = try await opened.countCustomers()
        let bar = ProgressBar("segmenting")
        let started = Date()
        let results: [SegmentRunner.Result]
        var sharedReport: SegmentRunner.SharedRunReport?
        if shared {
            let worker = "\(ProcessInfo.processInfo.hostName):\(getpid())"
            let report = try await runner.runShared(names, worker: worker, lease: lease, partSize: partSize) { done in
                bar.update(total == 0 ? 1 : Double(done) / Double(total))
            }
            results = report.results
            sharedReport = report
        } else {
            results = try await runner.run(names) { done in bar.update(total == 0 ? 1 : Double(done) / Double(total)) }
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(started)

        var failed = false
        var rows: [[String]] = []
        for result in results {
            switch result {
            case .materialized(let summary, let plugin):
                let labels = summary.counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                rows.append([
                    summary.segment, "\(plugin.name) \(plugin.manifest.version)", "\(summary.classified)", "\(summary.entered)", "\(summary.left)",
                    labels.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
                ])
            case .failed(let segment, let customer, let error):
                failed = true
                let who = customer.map { " on customer \($0)" } ?? ""
                StandardStreams.error("segment '\(segment)' failed\(who), nothing written: \(error.description)\n")
            }
        }
        if store.json {
            try store.printJSON(SegmentRunJSON.Run(segments: results.map(SegmentRunJSON.init), problems: report.problems.map(PluginsJSON.Problem.init)))
        } else if !rows.isEmpty {
            printTable(["SEGMENT", "PLUGIN", "CUSTOMERS", "ENTERED", "LEFT", "LABELS"], rows)
            if let sharedReport {
                let lost = sharedReport.lost == 0 ? "" : ", \(sharedReport.lost) taken over by another process"
                print(String(format: "shared run %lld: this process classified %d customers in %d of %d parts in %.2f s with %d worker%@%@",
                             sharedReport.job.id, sharedReport.classified, sharedReport.parts, sharedReport.job.parts, seconds, workers,
                             workers == 1 ? "" : "s", lost))
            } else {
                print(String(format: "%d customers in %.2f s with %d worker%@", total, seconds, workers, workers == 1 ? "" : "s"))
            }
        } else if results.isEmpty {
            print("no segments registered; see docs/plugin-guide.md")
        }
        // A plugin that did not load (a broken file, a name another plugin claims) fails the
        // command too, after the others ran: a cron job must notice.
        if !report.problems.isEmpty {
            StandardStreams.error("cordial: \(report.problems.count) plugin problem\(report.problems.count == 1 ? "" : "s") above; their segments did not run\n")
        }
        if failed || !report.problems.isEmpty { throw ExitCode.failure }
    }
}

struct ListSegments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Segments that have been run, with their current counts.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let segments = try await store.open().segments()
        if store.json { return try store.printJSON(segments) }
        let day = Date.ISO8601FormatStyle().year().month().day()
        printTable(["SEGMENT", "PLUGIN", "LAST RUN (AS OF)", "MEMBERS", "LABELS"], segments.map { segment in
            [segment.name, "\(segment.plugin) \(segment.pluginVersion)", segment.lastRun.formatted(day), "\(segment.members)",
             segment.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")]
        })
    }
}

struct ShowSegment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "A segment's members per label, now or as of a past date.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The segment, or SEGMENT:LABEL to list that label's members.")
    var name: SegmentSelector

    @Option(help: "Membership as of this date (YYYY-MM-DD, end of that day) or time (ISO 8601).")
    var at: String?

    @Option(help: "With a label: at most this many members (default 50).")
    var limit: Int = 50

    func run() async throws {
        let opened = try await store.open()
        let selector = try await checked(name, in: opened, plugins: pluginOptions)!
        let segment = selector.segment, label = selector.label
        let date = try at.map(Self.parseDate)
        if let label {
            let members = try await opened.segmentMembers(segment, label: label, at: date, limit: limit)
            if store.json { return try store.printJSON(members) }
            // Who they are (one read for the page), and how many the label has in all.
            let customers = try await opened.customers(withIDs: members.map(\.customer))
            let byID = Dictionary(customers.compactMap { customer in customer.id.map { ($0, customer) } }, uniquingKeysWith: { first, _ in first })
            let total = try await opened.segmentCounts(segment, at: date)[label] ?? 0
            let day = Date.ISO8601FormatStyle().year().month().day()
            printTable(["ID", "CUSTOMER", "NAME", "SINCE"], members.map { member in
                let customer = byID[member.customer]
                let name = customer.map { $0.displayName.isEmpty ? "(no name)" : $0.displayName } ?? "-"
                return ["\(member.customer)", customer.map { "\($0.source):\($0.externalID)" } ?? "-", name, member.since.formatted(day)]
            })
            print("\(members.count) of \(total) members of \(segment):\(label) as of \(date.map { $0.formatted(.iso8601) } ?? "now")"
                + (members.count < total ? " (--limit \(limit); raise it for more)" : ""))
            return
        }
        let counts = try await opened.segmentCounts(segment, at: date)
        if store.json { return try store.printJSON(counts) }
        print("\(segment) as of \(date.map { $0.formatted(.iso8601) } ?? "now")")
        printTable(["LABEL", "MEMBERS"], counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { [$0.key, "\($0.value)"] })
    }

    /// A day means its end (who was a member on 1 March); a time means that instant.
    static func parseDate(_ text: String) throws -> Date {
        if let day = CalendarDays.day(of: text) { return Date(timeIntervalSince1970: Double(day + 1) * 86_400 - 0.001) }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        throw ValidationError("--at '\(text)' is neither a date (YYYY-MM-DD) nor an ISO 8601 time")
    }
}

struct SegmentHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Who entered and left a segment's labels, newest first, with the plugin version.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The segment.")
    var name: String

    @Option(help: "At most this many changes.")
    var limit: Int = 50

    func run() async throws {
        let changes = try await store.open().segmentHistory(name, limit: limit)
        if store.json { return try store.printJSON(changes) }
        printTable(["TIME", "CHANGE", "CUSTOMER", "LABEL", "VERSION"], changes.map {
            [$0.time.formatted(.iso8601), $0.kind.rawValue, "\($0.customer)", $0.label, $0.pluginVersion]
        })
    }
}

/// Left-aligned columns separated by two spaces.
func printTable(_ header: [String], _ rows: [[String]]) {
    let all = [header] + rows.map { $0.map(\.forTerminal) }
    let widths = header.indices.map { column in all.map { displayWidth($0[column]) }.max() ?? 0 }
    for row in all {
        let cells = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[index] - displayWidth(cell)))
        }
        print(cells.joined(separator: "  "))
    }
}

/// Terminal columns `text` takes (``DisplayWidth``).
func displayWidth(_ text: String) -> Int {
    DisplayWidth.of(text)
}

/// A segment of `segments run --json` (`{"segments": [...], "problems": [...]}`): what the run wrote, or, for a segment that failed,
/// `segment` and `failed` (the customer, the plugin's `file:line` and the reason) — so a
/// failure is in the JSON as well as on standard error.
private struct SegmentRunJSON: Encodable {
    /// The whole run: its segments, and the plugins that did not load (whose segments did not run).
    struct Run: Encodable {
        let segments: [SegmentRunJSON]
        let problems: [PluginsJSON.Problem]
    }

    struct Failure: Encodable {
        let customer: Int64?
        let location: String
        let message: String
    }

    let result: SegmentRunner.Result

    init(_ result: SegmentRunner.Result) {
        self.result = result
    }

    enum CodingKeys: String, CodingKey { case segment, failed }

    func encode(to encoder: any Encoder) throws {
        switch result {
        case .materialized(let summary, _):
            try summary.encode(to: encoder)
        case .failed(let segment, let customer, let error):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(segment, forKey: .segment)
            try container.encode(Failure(customer: customer?.rawValue, location: error.location, message: error.message), forKey: .failed)
        }
    }
}
