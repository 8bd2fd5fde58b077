import CordialCore
import Foundation

/// The demo organisation's staff, across the demo customers' cities: account managers (most
/// covering a city, every fourth a whole region), with their working week in their own time
/// zone, two or three visits a day and eight to twelve a week, and a week of leave for one in
/// four; then supervisors and agents. Written as `cordial staff import` reads it; the same seed
/// gives the same file.
public struct DemoStaff {
    public var seed: UInt64

    public init(seed: UInt64 = 42) {
        self.seed = seed
    }

    public static let columns = [
        "staff_id", "name", "role", "other_roles", "areas", "email", "time_zone", "hours", "visits_per_day", "visits_per_week", "absences",
    ]

    /// The week and time zone of each place's office.
    static let offices: [String: (zone: String, hours: String)] = [
        "VN": ("Asia/Ho_Chi_Minh", "mon-fri 08:00-12:00 13:00-17:30; sat 08:00-12:00"),
        "CN": ("Asia/Shanghai", "mon-fri 09:00-12:00 13:00-18:00"),
        "GB": ("Europe/London", "mon-fri 09:00-17:30"),
        "SG": ("Asia/Singapore", "mon-fri 09:00-18:00"),
    ]

    /// `count` members of staff: three in four account managers, then supervisors and agents.
    public func staff(count: Int) -> [Staff] {
        var random = SplitMix64(seed: seed ^ 0x5741_4646)
        let places = ["vi", "zh", "en"].flatMap { locale in DemoOrganisation.places[locale]!.map { (locale, $0) } }
        let managers = max(1, count * 3 / 4), supervisors = max(count > 1 ? 1 : 0, count / 10)
        var used: Set<String> = []
        var names = SplitMix64(seed: seed ^ 0x4E41_4D45)
        return (0..<count).map { index in
            let (locale, place) = places[index % places.count]
            let role = index < managers ? "account-manager" : index < managers + supervisors ? "supervisor" : "agent"
            let number = index + 1
            let office = Self.offices[place.country] ?? ("UTC", "mon-fri 09:00-17:00")
            // Names are told apart (`--by NAME` must find one person): a name drawn twice is
            // drawn again from a stream of its own (so the rest of the file stays as it was),
            // with more middle names, and after a few tries numbered.
            let female = random.next(below: 2) == 0
            var name = switch locale {
            case "vi": "\(random.pick(DemoOrganisation.viFamily)) \(female ? "Thị" : "Văn") \(random.pick(female ? DemoOrganisation.viFemale : DemoOrganisation.viMale))"
            case "zh": random.pick(DemoOrganisation.zhFamily) + random.pick(female ? DemoOrganisation.zhFemale : DemoOrganisation.zhMale)
            default: "\(random.pick(female ? DemoOrganisation.enFemale : DemoOrganisation.enMale)) \(random.pick(DemoOrganisation.enFamily))"
            }
            var attempt = 0
            while used.contains(name) {
                attempt += 1
                guard attempt <= 8 else {
                    name += " \(number)"
                    break
                }
                name = switch locale {
                case "vi":
                    "\(names.pick(DemoOrganisation.viFamily)) \(female ? names.pick(["Thị", "Thu", "Ngọc"]) : names.pick(["Văn", "Minh", "Quốc", "Đức", "Hữu"])) "
                        + names.pick(female ? DemoOrganisation.viFemale : DemoOrganisation.viMale)
                case "zh": names.pick(DemoOrganisation.zhFamily) + names.pick(female ? DemoOrganisation.zhFemale : DemoOrganisation.zhMale)
                default: "\(names.pick(female ? DemoOrganisation.enFemale : DemoOrganisation.enMale)) \(names.pick(DemoOrganisation.enFamily))"
                }
            }
            used.insert(name)
            // Every fourth manager covers the region; the others their city.
            let areas = role == "account-manager" ? [index % 4 == 3 ? place.region : place.city] : [place.region]
            var absences: [Absence] = []
            if random.next(below: 4) == 0 {
                let start = CalendarDays.since1970(year: 2025, month: 1, day: 6) + 7 * random.next(below: 50)
                absences.append(Absence(first: start, last: start + 4))
            }
            return Staff(
                externalID: String(format: "S%04d", number), name: name, role: role,
                otherRoles: role == "supervisor" ? ["account-manager"] : [], areas: areas,
                email: String(format: "s%04d@staff.example.%@", number, place.domain), timeZone: office.zone, week: try? WorkingWeek(parsing: office.hours),
                visitsPerDay: role == "agent" ? nil : 2 + random.next(below: 2), visitsPerWeek: role == "agent" ? nil : 8 + random.next(below: 5),
                absences: absences)
        }
    }

    /// The staff as CSV (lists separated by `|`).
    public func write(count: Int, to write: (String) throws -> Void) throws {
        try write(CustomerExporter.csvLine(Self.columns))
        for member in staff(count: count) {
            var cells: [String] = [member.externalID ?? "", member.name, member.role]
            cells.append(member.otherRoles.joined(separator: "|"))
            cells.append(member.areas.joined(separator: "|"))
            cells.append(member.email ?? "")
            cells.append(member.timeZone ?? "")
            cells.append(member.week?.description ?? "")
            cells.append(member.visitsPerDay.map { String($0) } ?? "")
            cells.append(member.visitsPerWeek.map { String($0) } ?? "")
            cells.append(member.absences.map(\.description).joined(separator: "|"))
            try write(CustomerExporter.csvLine(cells))
        }
    }
}
