import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial staff add|import|list|show|calendar`
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "The organisation's staff: who approves plans, who calls and visits.",
        subcommands: [AddStaff.self, ImportStaff.self, ListStaff.self, ShowStaff.self, StaffCalendar.self])
}

struct AddStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a member of staff with a role.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "Their name.")
    var name: String

    @Option(help: "Their role, as approval levels and call lists name it (lower-case letters, digits and dashes: marketing-lead).")
    var role: String

    @Option(help: "A region or city they cover (repeatable; none: anywhere).")
    var area: [String] = []

    @Option(name: .customLong("staff-id"), help: "Their id in the organisation's records (imports update the member of staff with it).")
    var staffID: String?

    @Option(help: "Their email address (for calendars).")
    var email: String?

    func validate() throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.utf8.count <= 200 else { throw ValidationError("the name must be 1 to 200 bytes") }
        if let email, EmailAddress(email) == nil { throw ValidationError("--email '\(email.prefix(60))' is not an email address") }
        if let staffID, staffID.trimmingCharacters(in: .whitespaces) != staffID || staffID.isEmpty {
            throw ValidationError("--staff-id must not be empty or start or end with spaces")
        }
        guard PluginManifest.isValidName(role) else {
            throw ValidationError("--role '\(role)' is not a role name: use lower-case letters, digits and dashes (marketing-lead)")
        }
    }

    func run() async throws {
        let added = try await FeedbackCommands.refusing {
            try await store.open().addStaff(Staff(externalID: staffID, name: name, role: role, areas: area, email: email))
        }
        if store.json { return try store.printJSON(added) }
        print("staff \(added.id ?? 0): \(added.name) (\(added.role))")
    }
}

struct ImportStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import staff from CSV or JSON Lines, adding or updating each by staff id; all or nothing.",
        discussion: """
            Columns: staff_id, name, role; optionally other_roles, areas (regions or cities they cover), email, \
            time_zone, hours (mon-fri 08:00-12:00 13:00-17:00; sat 08:00-12:00), visits_per_day, visits_per_week, \
            absences (2025-03-10..2025-03-14). Lists are separated by | in CSV and arrays in JSON Lines.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "csv or jsonl (default: from the file's extension).")
    var format: ImportFormat?

    @Flag(help: "Check the file and say what it holds; write nothing.")
    var dryRun = false

    func run() async throws {
        let staff: [Staff]
        let read: Result<[Staff], ImportError> = Result { () throws(ImportError) in
            try StaffImporter().items(path: file, format: format ?? ImportFormat.detect(path: file))
        }
        switch read {
        case .success(let items): staff = items
        case .failure(let error):
            StandardStreams.error("cordial: " + (error.errorDescription ?? "import refused") + "\n")
            throw ExitCode(1)
        }
        let name = (file as NSString).lastPathComponent
        if dryRun {
            if store.json { return try store.printJSON(["read": staff.count]) }
            return print("\(name): \(staff.count) member\(staff.count == 1 ? "" : "s") of staff read; nothing written (--dry-run)")
        }
        let opened = try await store.open()
        let (added, updated) = try await FeedbackCommands.refusing { try await opened.importStaff(staff) }
        // Absences the file gives over visits already booked: the visits stay, and are named.
        let stored = try await opened.staff()
        for member in staff where !member.absences.isEmpty {
            guard let id = stored.first(where: { $0.externalID == member.externalID })?.id else { continue }
            for visit in try await opened.visits(VisitQuery(staffID: id, statuses: [.scheduled])) where member.isAway(on: visit.day) {
                StandardStreams.error(
                    "warning: \(member.name) is away on \(CalendarDays.text(ofDay: visit.day)), when they have visit \(visit.id): move it (cordial visits move \(visit.id) --staff … or --day …)".forTerminal + "\n")
            }
        }
        if store.json { return try store.printJSON(["added": added, "updated": updated, "unchanged": staff.count - added - updated]) }
        print("\(name): added \(added), updated \(updated), \(staff.count - added - updated) unchanged")
    }
}

struct ListStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every member of staff with their roles, areas and capacity.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only those who hold this role.")
    var role: String?

    func run() async throws {
        let staff = try await store.open().staff().filter { member in role.map(member.holds) ?? true }
        if store.json { return try store.printJSON(staff) }
        printTable(["ID", "STAFF ID", "NAME", "ROLES", "AREAS", "VISITS"], staff.map { member in
            let capacity = [member.visitsPerDay.map { "\($0)/day" }, member.visitsPerWeek.map { "\($0)/week" }].compactMap { $0 }.joined(separator: ", ")
            return ["\(member.id ?? 0)", member.externalID ?? "", member.name, member.roles.joined(separator: ", "),
                    member.areas.isEmpty ? "anywhere" : member.areas.joined(separator: ", "), capacity.isEmpty ? "-" : capacity].map(\.forTerminal)
        })
        print("\(staff.count) member\(staff.count == 1 ? "" : "s") of staff")
    }
}

struct ShowStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A member of staff: roles, areas, working week, capacity and absences.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The member of staff: an id, an exact name or a staff id (tried in that order, as --by does).")
    var staff: String

    func run() async throws {
        let opened = try await store.open()
        let member = try await PlanApprover.member(staff, in: opened)
        if store.json { return try store.printJSON(member) }
        let lines = [
            "\(member.name) (staff \(member.id ?? 0)\(member.externalID.map { ", \($0)" } ?? ""))",
            "roles     \(member.roles.joined(separator: ", "))",
            "areas     \(member.areas.isEmpty ? "anywhere" : member.areas.joined(separator: ", "))",
            "email     \(member.email ?? "-")",
            "week      \(member.week?.description ?? "\(WorkingWeek.office) (the usual week: none given)")\(member.timeZone.map { ", \($0)" } ?? "")",
            "visits    \(member.visitsPerDay.map { "\($0) a day" } ?? "no daily limit"), \(member.visitsPerWeek.map { "\($0) a week" } ?? "no weekly limit")",
            "away      \(member.absences.isEmpty ? "-" : member.absences.map(\.description).joined(separator: ", "))",
        ]
        for line in lines { print(line.forTerminal) }
    }
}

struct StaffCalendar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "A member of staff's visits as an iCalendar file (RFC 5545) for their calendar program, or as JSON.",
        discussion: """
            One event per visit. Its UID is the visit's action key, so importing a later export updates the events \
            (moved visits move, cancelled ones are marked cancelled) instead of adding them twice.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The member of staff: an id, an exact name or a staff id.")
    var staff: String

    @Option(help: "The first day (YYYY-MM-DD; default today).")
    var from: String?

    @Option(help: "The last day (YYYY-MM-DD; default 90 days after --from).")
    var to: String?

    @Option(name: .customLong("time-zone"), help: "IANA time zone of staff without their own (default: this machine's).")
    var timeZone: String?

    @Option(name: [.short, .customLong("output")], help: "Write the .ics file here (default: standard output).")
    var output: String?

    func validate() throws {
        if let from { _ = try VisitsCommand.day(from, "--from") }
        if let to { _ = try VisitsCommand.day(to, "--to") }
        if let timeZone, TimeZone(identifier: timeZone) == nil { throw ValidationError("--time-zone '\(timeZone.prefix(40))' is not a time zone (Asia/Ho_Chi_Minh)") }
    }

    func run() async throws {
        let opened = try await store.open()
        let member = try await PlanApprover.member(staff, in: opened)
        let first = try from.map { try VisitsCommand.day($0, "--from") } ?? CalendarDays.day(of: Date())
        let last = try to.map { try VisitsCommand.day($0, "--to") } ?? first + 89
        guard first <= last else { throw CommandFailure("--to \(CalendarDays.text(ofDay: last)) is before --from \(CalendarDays.text(ofDay: first))") }
        let zone = timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone.current
        let calendar = try await VisitCalendar.load(for: member, days: first...last, timeZone: zone, from: opened)
        if store.json { return try store.printJSON(calendar.entries) }
        let text = calendar.iCalendar(stamp: Date())
        guard let output else { return print(text, terminator: "") }
        try OutputFile.write(text, to: output)
        StandardStreams.error("\(output): \(calendar.entries.count) visit\(calendar.entries.count == 1 ? "" : "s") of \(member.name)".forTerminal + "\n")
    }
}
