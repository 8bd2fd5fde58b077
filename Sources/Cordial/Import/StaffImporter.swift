import CordialCore
import CordialStore
import Foundation

/// Reads staff files — CSV or JSON Lines, one member of staff per row, as an organisation's
/// directory or rota exports them: `staff_id` (their id in the organisation's records: a file
/// imported again updates them), `name`, `role`, and optionally `other_roles`, `areas` (the
/// regions or cities they cover), `email`, `time_zone`, `hours` (`mon-fri 08:00-17:00; sat
/// 08:00-12:00`), `visits_per_day`, `visits_per_week` and `absences` (`2025-03-10..2025-03-14`).
/// Lists are `|`-separated in CSV, arrays in JSON Lines.
public struct StaffImporter: ImportRowParser {
    public static let fields: [String: [String]] = [
        "staff_id": ["staff_id", "employee_id", "id", "external_id"],
        "name": ["name", "full_name"],
        "role": ["role"],
        "other_roles": ["other_roles", "also"],
        "areas": ["areas", "regions", "cities", "area", "region", "city"],
        "email": ["email"],
        "time_zone": ["time_zone", "timezone"],
        "hours": ["hours", "working_hours", "week"],
        "visits_per_day": ["visits_per_day"],
        "visits_per_week": ["visits_per_week"],
        "absences": ["absences", "leave", "away"],
    ]

    public init() {}

    public var uniqueKey: String { "staff_id" }

    public func duplicateKey(of row: ImportRow) -> String? { row.value("staff_id") }

    public func resolve(header: [String], fileName: String) throws(ImportError) -> [String] {
        try ImportRow.knownNames(of: header, fields: Self.fields, required: ["staff_id", "name", "role"], fileName: fileName)
    }

    public func item(from row: ImportRow, fileName: String) throws(ImportError) -> Staff {
        var issues = ImportIssueList()
        func problem(_ column: String, _ text: String) {
            issues.add(ImportIssue(file: fileName, line: row.line, column: row.header(column), problem: text))
        }
        func text(_ column: String) -> String? {
            guard let value = row.value(column)?.trimmedOfSpaces(), !value.isEmpty else { return nil }
            return value
        }
        func count(_ column: String, _ range: ClosedRange<Int>) -> Int? {
            guard let value = text(column) else { return nil }
            guard let number = Int(value), range.contains(number) else {
                problem(column, "'\(ImportIssue.printable(value, limit: 20))' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return number
        }
        let id = text("staff_id")
        if id == nil { problem("staff_id", "is empty") } else if id!.utf8.count > 200 { problem("staff_id", "is longer than 200 bytes") }
        let name = text("name") ?? ""
        if name.isEmpty { problem("name", "is empty") } else if name.utf8.count > 200 { problem("name", "is longer than 200 bytes") }
        let role = text("role") ?? ""
        if !Staff.isRoleName(role) { problem("role", "'\(ImportIssue.printable(role, limit: 40))' is not a role: lower-case letters, digits and dashes (account-manager)") }
        let others = row.list("other_roles")
        for other in others where !Staff.isRoleName(other) {
            problem("other_roles", "'\(ImportIssue.printable(other, limit: 40))' is not a role: lower-case letters, digits and dashes")
        }
        let areas = row.list("areas")
        if areas.contains(where: { $0.utf8.count > 100 }) { problem("areas", "an area is longer than 100 bytes") }
        if areas.count > 200 { problem("areas", "lists more than 200 areas") }
        let email = text("email")
        if let email, EmailAddress(email) == nil { problem("email", "'\(ImportIssue.printable(email, limit: 60))' is not an email address") }
        let zone = text("time_zone")
        if let zone, TimeZone(identifier: zone) == nil { problem("time_zone", "'\(ImportIssue.printable(zone, limit: 40))' is not a time zone (Asia/Ho_Chi_Minh)") }
        var week: WorkingWeek?
        if let hours = text("hours") {
            do { week = try WorkingWeek(parsing: hours) } catch { problem("hours", error.description) }
        }
        let perDay = count("visits_per_day", 1...50), perWeek = count("visits_per_week", 1...250)
        if let perDay, let perWeek, perWeek < perDay { problem("visits_per_week", "is less than visits_per_day") }
        var absences: [Absence] = []
        for item in row.list("absences") {
            guard let absence = Absence(parsing: item) else {
                problem("absences", "'\(ImportIssue.printable(item, limit: 40))' is not a day or days such as 2025-03-10..2025-03-14")
                continue
            }
            absences.append(absence)
        }
        try issues.check()
        return Staff(
            externalID: id, name: name, role: role, otherRoles: others, areas: areas, email: email, timeZone: zone, week: week,
            visitsPerDay: perDay, visitsPerWeek: perWeek, absences: absences)
    }
}
