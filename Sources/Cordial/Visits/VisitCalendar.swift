import CordialCore
import CordialStore
import Foundation

/// A member of staff's visits as their calendar program should show them: one event per
/// visit, its UID the action's ledger key (stable, so a re-export updates the event), its
/// sequence the visit's, moved and cancelled visits carried as such; the same entries as JSON.
public struct VisitCalendar: Sendable {
    /// One visit of the calendar, with what the visitor needs: whom, where, when.
    public struct Entry: Sendable, Hashable, Encodable {
        public var visit: Int64
        public var uid: String
        public var sequence: Int
        public var status: String
        public var campaign: String
        public var customer: Int64
        public var customerName: String
        public var address: String?
        public var phone: String?
        public var start: Date
        public var end: Date
        public var notes: String?
        public var updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case visit, uid, sequence, status, campaign, customer, customerName = "customer_name", address, phone, start, end, notes
            case updatedAt = "updated_at"
        }
    }

    public var staff: Staff
    public var entries: [Entry]

    /// The visits of `staff` on `days` (every status: a cancelled one tells the calendar to
    /// drop it), in `timeZone` unless the member of staff has their own.
    public static func load(for staff: Staff, days: ClosedRange<Int>, timeZone: TimeZone, from store: any Store) async throws -> VisitCalendar {
        guard let id = staff.id else { return VisitCalendar(staff: staff, entries: []) }
        let zone = staff.timeZone.flatMap(TimeZone.init(identifier:)) ?? timeZone
        var visits = try await store.visits(VisitQuery(staffID: id, days: days))
        // Visits moved to someone else: cancelled in this calendar, where they last stood in it.
        for var moved in try await store.visits(VisitQuery(movedFromStaffID: id)) {
            guard let last = try await store.visitChanges(moved.id).last(where: { $0.staffID == id }), days.contains(last.day) else { continue }
            moved.day = last.day
            moved.start = last.start
            moved.status = .cancelled
            moved.notes = nil
            visits.append(moved)
        }
        visits.sort { ($0.day, $0.start, $0.id) < ($1.day, $1.start, $1.id) }
        let customers = Dictionary(
            try await store.customers(withIDs: Array(Set(visits.map(\.customerID)))).compactMap { customer in customer.id.map { ($0, customer) } },
            uniquingKeysWith: { first, _ in first })
        let entries = visits.map { visit in
            // A forgotten customer's file keeps no name, address or phone: nor does the event.
            let customer = customers[visit.customerID].flatMap { $0.displayName.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            let start = Self.instant(day: visit.day, minute: visit.start, in: zone)
            return Entry(
                visit: visit.id, uid: "\(visit.actionKey)@cordial", sequence: visit.sequence, status: visit.status.rawValue,
                campaign: visit.campaign, customer: visit.customerID.rawValue, customerName: customer?.displayName ?? "customer \(visit.customerID)",
                address: customer?.address.map(Self.text), phone: customer?.phones.first, start: start,
                end: start + TimeInterval(visit.minutes * 60), notes: visit.notes, updatedAt: visit.updatedAt)
        }
        return VisitCalendar(staff: staff, entries: entries)
    }

    /// The calendar file (RFC 5545).
    public func iCalendar(stamp: Date) -> String {
        let events = entries.map { entry in
            CalendarEvent(
                uid: entry.uid, sequence: entry.sequence, start: entry.start, end: entry.end, summary: "Visit: \(entry.customerName)",
                location: entry.address,
                details: ["Campaign \(entry.campaign)", entry.phone.map { "Phone \($0)" }, entry.notes].compactMap { $0 }.joined(separator: "\n"),
                cancelled: entry.status == VisitRecord.Status.cancelled.rawValue, lastModified: entry.updatedAt)
        }
        return ICalendar.document(named: "Visits: \(staff.name)", events: events, stamp: stamp)
    }

    /// The instant a local day's minute falls on in `zone` (the first of two in a repeated
    /// hour; a minute skipped by daylight saving moves forward).
    public static func instant(day: Int, minute: Int, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = CalendarDays.text(ofDay: day).split(separator: "-").compactMap { Int($0) }
        let components = DateComponents(year: date[0], month: date[1], day: date[2], hour: minute / 60, minute: minute % 60)
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: Double(day) * 86_400 + Double(minute) * 60)
    }

    static func text(_ address: Address) -> String {
        (address.lines + [address.city, address.region].compactMap { $0 }).joined(separator: ", ")
    }
}
