import CordialCore
import Foundation

/// The columns of a member of staff as both backends write them: lists as canonical JSON
/// text (so "changed?" is a comparison of texts), the week as its canonical text.
package enum StaffColumns {
    /// The texts of the columns after `id` (`externalId` … `absences` but the two counts),
    /// in the order both backends write them.
    package static func texts(_ staff: Staff) -> [String?] {
        [
            staff.externalID, staff.name, staff.role, staff.areas.first, list(staff.otherRoles), list(staff.areas), staff.email, staff.timeZone,
            staff.week?.description,
        ]
    }

    /// The list of absences as stored.
    package static func absences(_ staff: Staff) -> String? { list(staff.absences.map(\.description)) }

    /// Whether `stored` (as read back) already holds what `staff` says: an import leaves it alone.
    package static func same(_ stored: Staff, _ staff: Staff) -> Bool {
        var incoming = staff
        incoming.id = stored.id
        return incoming == stored
    }

    package static func list(_ items: [String]) -> String? { items.isEmpty ? nil : JSONText.strings(items) }

    package static func strings(_ text: String?) -> [String] {
        guard let text, let data = text.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }

    /// A member of staff from stored columns; `region` is the column of stores made before
    /// areas (one region), read when `areas` is empty.
    package static func staff(
        id: Int64, externalID: String?, name: String, role: String, region: String?, otherRoles: String?, areas: String?, email: String?,
        timeZone: String?, week: String?, visitsPerDay: Int?, visitsPerWeek: Int?, absences: String?
    ) -> Staff {
        var covered = strings(areas)
        if covered.isEmpty, let region, !region.isEmpty { covered = [region] }
        return Staff(
            id: id, externalID: externalID, name: name, role: role, otherRoles: strings(otherRoles), areas: covered, email: email, timeZone: timeZone,
            week: week.flatMap { try? WorkingWeek(parsing: $0) }, visitsPerDay: visitsPerDay, visitsPerWeek: visitsPerWeek,
            absences: strings(absences).compactMap(Absence.init(parsing:)))
    }

    /// Refuses what no backend should store, before anything is written.
    package static func check(_ items: [Staff], imported: Bool) throws {
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let place = items.count == 1 ? "" : "item \(index + 1): "
            if let problem = item.problem { throw StoreError.invalidStaff(place + problem) }
            if imported, item.externalID == nil { throw StoreError.invalidStaff(place + "an imported member of staff needs a staff id") }
            if let id = item.externalID, !seen.insert(id).inserted { throw StoreError.invalidStaff(place + "staff id '\(id.prefix(40))' is given twice") }
        }
    }
}
