import Foundation

/// The visits staff hold, by member of staff and day, with their capacity: what applying a
/// planned visit or moving one checks against, so no one is ever booked in two places at
/// once (the travel buffer included) or past their visits a day or a week.
public struct StaffBookings: Sendable {
    public struct Capacity: Sendable, Hashable {
        public var perDay: Int?
        public var perWeek: Int?
        public init(perDay: Int? = nil, perWeek: Int? = nil) {
            self.perDay = perDay
            self.perWeek = perWeek
        }

        /// A member of staff's visits a day and a week.
        public init(of member: Staff) {
            self.init(perDay: member.visitsPerDay, perWeek: member.visitsPerWeek)
        }
    }

    /// Local minutes of each day's visits with their buffers, by member of staff and day.
    private var days: [Int64: [Int: [(minutes: Range<Int>, buffer: Int)]]] = [:]
    /// Members of staff who exist, with their capacity.
    public var capacity: [Int64: Capacity]

    public init(capacity: [Int64: Capacity], bookings: [VisitBooking]) {
        self.capacity = capacity
        for booking in bookings { add(booking) }
    }

    public mutating func add(_ booking: VisitBooking) {
        days[booking.staffID, default: [:]][booking.day, default: []].append((booking.minutes, booking.buffer))
    }

    /// Frees the slot a visit holds, for checking where it moves: a visit moved an hour later
    /// may overlap where it was.
    public mutating func remove(_ visit: VisitRecord) {
        guard let index = days[visit.staffID]?[visit.day]?.firstIndex(where: { $0.minutes == visit.time }) else { return }
        days[visit.staffID]?[visit.day]?.remove(at: index)
    }

    /// Why `time` on `day` cannot be booked for `staffID` (the larger of its `buffer` and each
    /// other visit's kept free between them, across midnight too), or nil.
    public func problem(staffID: Int64, day: Int, time: Range<Int>, buffer: Int) -> String? {
        guard let limits = capacity[staffID] else { return "no member of staff \(staffID)" }
        let booked = days[staffID]?[day] ?? []
        // The day before and after, shifted onto this day's minutes: a late visit and an early one.
        func shifted(_ visits: [(minutes: Range<Int>, buffer: Int)], by offset: Int) -> [(minutes: Range<Int>, buffer: Int)] {
            visits.map { visit in ((visit.minutes.lowerBound + offset)..<(visit.minutes.upperBound + offset), visit.buffer) }
        }
        let before = shifted(days[staffID]?[day - 1] ?? [], by: -1_440), after = shifted(days[staffID]?[day + 1] ?? [], by: 1_440)
        for other in booked + before + after {
            let gap = max(buffer, other.buffer)
            if (other.minutes.lowerBound - gap) < time.upperBound && time.lowerBound < (other.minutes.upperBound + gap) {
                return "staff \(staffID) has another visit then"
            }
        }
        if let perDay = limits.perDay, booked.count >= perDay { return "staff \(staffID) has \(perDay) visits that day" }
        if let perWeek = limits.perWeek {
            let week = VisitScheduler.week(of: day)
            let first = week * 7 - 3  // the Monday of the week
            let inWeek = (first..<(first + 7)).reduce(0) { $0 + (days[staffID]?[$1]?.count ?? 0) }
            if inWeek >= perWeek { return "staff \(staffID) has \(perWeek) visits that week" }
        }
        return nil
    }

    /// The days whose bookings a check of `days` reads: whole Monday-to-Sunday weeks.
    public static func span(of days: ClosedRange<Int>) -> ClosedRange<Int> {
        let first = VisitScheduler.week(of: days.lowerBound) * 7 - 3
        let last = VisitScheduler.week(of: days.upperBound) * 7 + 3
        return first...last
    }
}
