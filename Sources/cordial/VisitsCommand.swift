import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial visits list|show|move|cancel|outcome`
struct VisitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visits", abstract: "Visits on staff's schedules: list, move, cancel, record how they went.",
        discussion: "Campaigns book visits when they are applied (a policy's or a script's `visit` care form); each change keeps the visit's history.",
        subcommands: [ListVisits.self, ShowVisit.self, MoveVisit.self, CancelVisit.self, VisitOutcome.self])

    /// A day option's value, or a one-line error naming the option.
    static func day(_ text: String, _ option: String) throws -> Int {
        guard let day = CalendarDays.day(of: text) else { throw ValidationError("\(option) '\(text)' is not a date (YYYY-MM-DD)") }
        return day
    }

    /// `09:30` as minutes of the day.
    static func minute(_ text: String, _ option: String) throws -> Int {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute),
              parts[1].count == 2
        else { throw ValidationError("\(option) '\(text)' is not a time of day (HH:MM)") }
        return hour * 60 + minute
    }

    static func clock(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }

    /// A note's text: at most 4000 bytes; empty is none.
    static func note(_ text: String?, _ option: String) throws -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        guard text.utf8.count <= 4_000 else { throw ValidationError("\(option) holds at most 4000 bytes") }
        return text
    }

    /// Who makes a change: empty is no one named.
    static func who(_ text: String?) -> String? { text.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }

    /// The visit `id`, or a one-line error.
    static func load(_ id: Int64, in store: any Store) async throws -> VisitRecord {
        guard let visit = try await store.visit(id) else { throw CommandFailure("no visit \(id) (cordial visits list)") }
        return visit
    }

    /// Runs a store change, a refusal as a one-line error.
    static func changing(_ body: () async throws -> VisitRecord) async throws -> VisitRecord {
        do {
            return try await body()
        } catch let error as StoreError {
            throw CommandFailure(error.errorDescription ?? "\(error)")
        }
    }

    /// The local day today of a member of staff (their time zone, else this machine's).
    static func today(of member: Staff?) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = member?.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone.current
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDays.since1970(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }
}

struct ListVisits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Visits by day and time.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this member of staff's (an id, an exact name or a staff id).")
    var staff: String?

    @Option(help: "Only this customer's (SOURCE:ID or a store id).")
    var customer: String?

    @Option(help: "From this day (YYYY-MM-DD).")
    var from: String?

    @Option(help: "To this day (YYYY-MM-DD).")
    var to: String?

    @Option(help: "Only visits with this status (repeatable): scheduled, done, absent, cancelled.")
    var status: [String] = []

    @Option(help: "At most this many.")
    var limit = 200

    func validate() throws {
        if let from { _ = try VisitsCommand.day(from, "--from") }
        if let to { _ = try VisitsCommand.day(to, "--to") }
        for value in status where VisitRecord.Status(rawValue: value) == nil {
            throw ValidationError("--status '\(value.prefix(40))' is not one of scheduled, done, absent, cancelled")
        }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        let opened = try await store.open()
        var member: Staff?
        if let staff { member = try await PlanApprover.member(staff, in: opened) }
        var customerID: CustomerID?
        if let customer { customerID = try await lookUpCustomer(customer, in: opened).id }
        let first = from.flatMap(CalendarDays.day(of:)) ?? Int.min / 4
        let last = to.flatMap(CalendarDays.day(of:)) ?? Int.max / 4
        guard first <= last else { throw CommandFailure("--to is before --from") }
        let days: ClosedRange<Int>? = from == nil && to == nil ? nil : first...last
        let visits = try await opened.visits(VisitQuery(
            staffID: member?.id, customerID: customerID, days: days, statuses: Set(status.compactMap(VisitRecord.Status.init(rawValue:))),
            limit: limit))
        if store.json { return try store.printJSON(visits.map { VisitJSON($0) }) }
        let names = Dictionary(try await opened.staff().compactMap { member in member.id.map { ($0, member.name) } }, uniquingKeysWith: { a, _ in a })
        printTable(["ID", "DAY", "TIME", "STAFF", "CUSTOMER", "CAMPAIGN", "STATUS"], visits.map { visit in
            ["\(visit.id)", CalendarDays.text(ofDay: visit.day), "\(VisitsCommand.clock(visit.start))-\(VisitsCommand.clock(visit.start + visit.minutes))",
             names[visit.staffID] ?? "staff \(visit.staffID)", "\(visit.customerID)", visit.campaign, visit.status.description].map(\.forTerminal)
        })
        print("\(visits.count) visit\(visits.count == 1 ? "" : "s")\(visits.count == limit ? " (--limit \(limit) reached)" : "")")
    }
}

struct ShowVisit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A visit with its history.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The visit's id.")
    var id: Int64

    func run() async throws {
        let opened = try await store.open()
        let visit = try await VisitsCommand.load(id, in: opened)
        let changes = try await opened.visitChanges(id)
        if store.json { return try store.printJSON(VisitJSON(visit, history: changes)) }
        let names = Dictionary(try await opened.staff().compactMap { member in member.id.map { ($0, member.name) } }, uniquingKeysWith: { a, _ in a })
        let lines = [
            "visit \(visit.id): \(visit.status.description)",
            "customer  \(visit.customerID)",
            "staff     \(names[visit.staffID] ?? "-") (staff \(visit.staffID))",
            "when      \(CalendarDays.text(ofDay: visit.day)) \(VisitsCommand.clock(visit.start))-\(VisitsCommand.clock(visit.start + visit.minutes)) (their local time; \(visit.buffer) min kept free around it)",
            "campaign  \(visit.campaign) (\(visit.actionKey))",
            "notes     \(visit.notes ?? "-")",
        ]
        for line in lines { print(line.forTerminal) }
        printTable(["AT", "CHANGE", "STAFF", "DAY", "TIME", "BY", "NOTE"], changes.map { change in
            [ISO8601DateFormatter().string(from: change.at), change.kind.rawValue, names[change.staffID] ?? "staff \(change.staffID)", CalendarDays.text(ofDay: change.day),
             VisitsCommand.clock(change.start), change.by ?? "-", change.note ?? "-"].map(\.forTerminal)
        })
    }
}

struct MoveVisit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move a scheduled visit to another day, time or member of staff.",
        discussion: "The new time is checked against the member of staff's other visits (with the travel buffer), their visits a day and a week, their working hours and their absences.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The visit's id.")
    var id: Int64

    @Option(help: "The new day (YYYY-MM-DD; default: the same).")
    var day: String?

    @Option(help: "The new start, local time of the member of staff (HH:MM; default: the same).")
    var at: String?

    @Option(help: "Another member of staff (an id, an exact name or a staff id).")
    var staff: String?

    @Option(help: "Why (kept in the visit's history).")
    var note: String?

    @Option(help: "Who moves it.")
    var by: String?

    func validate() throws {
        guard day != nil || at != nil || staff != nil else { throw ValidationError("give --day, --at or --staff") }
        if let day { _ = try VisitsCommand.day(day, "--day") }
        if let at { _ = try VisitsCommand.minute(at, "--at") }
        _ = try VisitsCommand.note(note, "--note")
    }

    func run() async throws {
        let opened = try await store.open()
        let visit = try await VisitsCommand.load(id, in: opened)
        var member: Staff?
        if let staff { member = try await PlanApprover.member(staff, in: opened) } else {
            member = try await opened.staff().first { $0.id == visit.staffID }
        }
        guard let member, let staffID = member.id else { throw CommandFailure("no member of staff \(visit.staffID)") }
        guard member.holds(visit.role) else { throw CommandFailure("\(member.name) does not hold the role \(visit.role) the visit needs") }
        if member.id != visit.staffID, let customer = try await opened.customer(visit.customerID),
           !member.covers(city: customer.address?.city, region: customer.address?.region) {
            throw CommandFailure("\(member.name) does not cover the customer's city or region (\(member.areas.joined(separator: ", ")))")
        }
        let newDay = try day.map { try VisitsCommand.day($0, "--day") } ?? visit.day
        let start = try at.map { try VisitsCommand.minute($0, "--at") } ?? visit.start
        let today = VisitsCommand.today(of: member)
        guard newDay >= today else { throw CommandFailure("\(CalendarDays.text(ofDay: newDay)) has passed: a visit moves to today or later") }
        guard newDay <= today + 731 else { throw CommandFailure("\(CalendarDays.text(ofDay: newDay)) is more than two years ahead") }
        guard start + visit.minutes <= 1_440 else {
            throw CommandFailure("a visit of \(visit.minutes) minutes from \(VisitsCommand.clock(start)) ends after midnight")
        }
        // The store checks clashes and capacity as committed; the working week and absences
        // are the member of staff's own, checked here.
        let slot = start..<(start + visit.minutes)
        if member.isAway(on: newDay) { throw CommandFailure("\(member.name) is away on \(CalendarDays.text(ofDay: newDay))") }
        let hours = (member.week ?? WorkingWeek.office).days[VisitScheduler.weekday(of: newDay)] ?? []
        guard hours.contains(where: { $0.lowerBound <= slot.lowerBound && slot.upperBound <= $0.upperBound }) else {
            throw CommandFailure("\(VisitsCommand.clock(start))-\(VisitsCommand.clock(slot.upperBound)) on \(CalendarDays.text(ofDay: newDay)) is outside \(member.name)'s working hours")
        }
        let moved = try await VisitsCommand.changing {
            try await opened.updateVisit(
                id, .reschedule(staffID: staffID, day: newDay, start: start), note: try VisitsCommand.note(note, "--note"), by: VisitsCommand.who(by),
                at: Date(), expectedSequence: visit.sequence)
        }
        if store.json { return try store.printJSON(VisitJSON(moved)) }
        print("visit \(id): \(member.name), \(CalendarDays.text(ofDay: moved.day)) \(VisitsCommand.clock(moved.start)) (change \(moved.sequence))".forTerminal)
    }
}

struct CancelVisit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a scheduled visit (its slot is free again; the history keeps it).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The visit's id.")
    var id: Int64

    @Option(help: "Why.")
    var note: String?

    @Option(help: "Who cancels it.")
    var by: String?

    func validate() throws { _ = try VisitsCommand.note(note, "--note") }

    func run() async throws {
        let opened = try await store.open()
        let cancelled = try await VisitsCommand.changing {
            try await opened.updateVisit(id, .cancel, note: try VisitsCommand.note(note, "--note"), by: VisitsCommand.who(by), at: Date())
        }
        if store.json { return try store.printJSON(VisitJSON(cancelled)) }
        print("visit \(id): cancelled")
    }
}

struct VisitOutcome: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcome", abstract: "Record how a visit went: done, or the customer was absent; it goes on the customer's file.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The visit's id.")
    var id: Int64

    @Argument(help: "done or absent.")
    var outcome: String

    @Option(help: "What the visitor noted.")
    var notes: String?

    @Option(help: "Who records it.")
    var by: String?

    func validate() throws {
        guard outcome == "done" || outcome == "absent" else { throw ValidationError("the outcome is done or absent, not '\(outcome.prefix(40))'") }
        _ = try VisitsCommand.note(notes, "--notes")
    }

    func run() async throws {
        let opened = try await store.open()
        let visit = try await VisitsCommand.load(id, in: opened)
        let member = try await opened.staff().first { $0.id == visit.staffID }
        let zone = member?.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone.current
        let time = VisitCalendar.instant(day: visit.day, minute: visit.start, in: zone)
        let status: VisitRecord.Status = outcome == "done" ? .done : .absent
        let recorded = try await VisitsCommand.changing {
            try await opened.updateVisit(
                id, .outcome(status, time: time), note: try VisitsCommand.note(notes, "--notes"), by: VisitsCommand.who(by), at: Date(),
                expectedSequence: visit.sequence)
        }
        if store.json { return try store.printJSON(VisitJSON(recorded)) }
        print("visit \(id): \(recorded.status.description)")
    }
}

/// A visit as the commands print it in JSON (snake_case, ISO dates).
struct VisitJSON: Encodable {
    var id: Int64
    var customer: Int64
    var staff: Int64
    var campaign: String
    var role: String
    var actionKey: String
    var day: String
    var start: String
    var end: String
    var buffer: Int
    var status: String
    var notes: String?
    var sequence: Int
    var updatedAt: Date
    var history: [Change]?

    struct Change: Encodable {
        var kind: String
        var at: Date
        var staff: Int64
        var day: String
        var start: String
        var note: String?
        var by: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, customer, staff, campaign, role, actionKey = "action_key", day, start, end, buffer, status, notes, sequence, updatedAt = "updated_at", history
    }

    init(_ visit: VisitRecord, history: [VisitChange]? = nil) {
        id = visit.id
        customer = visit.customerID.rawValue
        staff = visit.staffID
        campaign = visit.campaign
        role = visit.role
        actionKey = visit.actionKey
        day = CalendarDays.text(ofDay: visit.day)
        start = VisitsCommand.clock(visit.start)
        end = VisitsCommand.clock(visit.start + visit.minutes)
        buffer = visit.buffer
        status = visit.status.rawValue
        notes = visit.notes
        sequence = visit.sequence
        updatedAt = visit.updatedAt
        self.history = history?.map { change in
            Change(kind: change.kind.rawValue, at: change.at, staff: change.staffID, day: CalendarDays.text(ofDay: change.day),
                   start: VisitsCommand.clock(change.start), note: change.note, by: change.by)
        }
    }
}
