import Foundation

/// A member of staff: account managers make visits, agents make calls, supervisors and
/// managers approve. What the visit scheduler needs of them is here too: the areas they cover,
/// their working week and time zone, how many visits they make a day and a week, and when
/// they are away.
public struct Staff: Codable, Sendable, Hashable {
    public var id: Int64?
    /// Their id in the organisation's own records (HR, the directory): imports update the
    /// member of staff with the same one instead of adding another.
    public var externalID: String?
    public var name: String
    /// Their main role, which approval levels, authority and call lists name.
    public var role: String
    /// Roles they also hold (a supervisor who also visits: `account-manager`).
    public var otherRoles: [String]
    /// The regions or cities they cover, as customers' addresses name them; empty: anywhere.
    public var areas: [String]
    public var email: String?
    /// IANA time zone of their working week; nil: the organisation's.
    public var timeZone: String?
    /// When they work; nil: the organisation's usual week.
    public var week: WorkingWeek?
    /// The most visits they make in a day and in a week (Monday to Sunday); nil: no limit
    /// beyond their hours.
    public var visitsPerDay: Int?
    public var visitsPerWeek: Int?
    /// Days they are away (leave, training), sorted.
    public var absences: [Absence]

    public init(
        id: Int64? = nil, externalID: String? = nil, name: String, role: String, otherRoles: [String] = [], areas: [String] = [],
        email: String? = nil, timeZone: String? = nil, week: WorkingWeek? = nil, visitsPerDay: Int? = nil, visitsPerWeek: Int? = nil,
        absences: [Absence] = []
    ) {
        self.id = id
        self.externalID = externalID
        self.name = name
        self.role = role
        self.otherRoles = otherRoles
        self.areas = areas
        self.email = email
        self.timeZone = timeZone
        self.week = week
        self.visitsPerDay = visitsPerDay
        self.visitsPerWeek = visitsPerWeek
        self.absences = absences.sorted()
    }

    /// `Staff(name:role:region:)`: one area.
    public init(id: Int64? = nil, name: String, role: String, region: String?) {
        self.init(id: id, name: name, role: role, areas: region.map { [$0] } ?? [])
    }

    /// Their main role and the others.
    public var roles: [String] { [role] + otherRoles.filter { $0 != role } }

    public func holds(_ role: String) -> Bool { self.role == role || otherRoles.contains(role) }

    /// Whether they are away on `day` (days since 1970).
    public func isAway(on day: Int) -> Bool {
        absences.contains { $0.contains(day) }
    }

    /// Whether they cover a customer in `city` of `region` (compared without case); staff with
    /// no areas cover everyone.
    public func covers(city: String?, region: String?) -> Bool {
        guard !areas.isEmpty else { return true }
        let wanted = [city, region].compactMap { $0?.lowercased() }
        return areas.contains { wanted.contains($0.lowercased()) }
    }

    /// Why these values cannot be kept; nil when they can.
    public var problem: String? {
        if name.trimmingCharacters(in: .whitespaces).isEmpty || name.utf8.count > 200 { return "name must be 1 to 200 bytes" }
        for role in roles where !Self.isRoleName(role) {
            return "'\(role.prefix(40))' is not a role name: lower-case letters, digits and dashes (account-manager)"
        }
        if let externalID, externalID.isEmpty || externalID.utf8.count > 200 { return "the staff id must be 1 to 200 bytes" }
        if areas.contains(where: { $0.isEmpty || $0.utf8.count > 100 }) { return "an area must be 1 to 100 bytes" }
        if areas.count > 200 { return "at most 200 areas" }
        if let timeZone, TimeZone(identifier: timeZone) == nil { return "'\(timeZone.prefix(40))' is not a time zone (Asia/Ho_Chi_Minh)" }
        if let day = visitsPerDay, !(1...50).contains(day) { return "visits per day must be 1 to 50" }
        if let week = visitsPerWeek, !(1...250).contains(week) { return "visits per week must be 1 to 250" }
        if let day = visitsPerDay, let week = visitsPerWeek, week < day { return "visits per week must be at least visits per day" }
        if absences.count > 1_000 { return "at most 1000 absences" }
        // What the store's texts could not give back as written (a week built in code).
        if let week, week.days.values.contains(where: { $0.contains { $0.isEmpty || $0.lowerBound < 0 || $0.upperBound > 1_440 } }) {
            return "working hours must lie within the day"
        }
        if absences.contains(where: { $0.last - $0.first > 3_660 }) { return "an absence lasts at most ten years" }
        return nil
    }

    /// `account-manager`: lower-case letters, digits and dashes.
    public static func isRoleName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.first != "-" && text.last != "-"
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
