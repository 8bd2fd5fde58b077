import CordialCore
import Foundation
import Testing

/// A member of staff as the scheduler reads them: a working week written as a rota says it
/// and read back, days away, the areas they cover, and values refused with the reason.
struct StaffTests {
    @Test func aWeekIsReadAsARotaWritesItAndWrittenBackTheSameWay() throws {
        let week = try WorkingWeek(parsing: "mon-fri 08:00-12:00 13:00-17:00; sat 08:00-12:00")
        #expect(week.days[2] == [480..<720, 780..<1_020] && week.days[7] == [480..<720] && week.days[1] == nil)
        #expect(week.description == "mon-fri 08:00-12:00 13:00-17:00; sat 08:00-12:00")
        #expect(week.minutes(on: 3) == 480 && week.minutes(on: 1) == 0)
        // Days given one by one come back run together; the order of the text does not matter.
        let loose = try WorkingWeek(parsing: "sat 09:00-12:00; tue 08:00-17:00; mon 08:00-17:00;  wed 08:00-17:00")
        #expect(loose.description == "mon-wed 08:00-17:00; sat 09:00-12:00")
        #expect(try WorkingWeek(parsing: loose.description) == loose)
        #expect(try WorkingWeek(parsing: "sun 20:00-24:00").description == "sun 20:00-24:00")
        #expect(WorkingWeek.office.description == "mon-fri 08:00-17:00")

        for (text, problem) in [
            ("", "no working days"),
            ("weekdays 08:00-17:00", "does not start with a day or days"),
            ("mon", "gives no hours"),
            ("mon 17:00-08:00", "'17:00-08:00' is not hours"),
            ("mon 8-17", "'8-17' is not hours"),
            ("mon 08:00-13:00 12:00-17:00", "hours overlap"),
            ("mon-fri 08:00-17:00; wed 18:00-20:00", "a day is given twice"),
        ] {
            #expect(throws: WorkingWeek.Problem.self) { try WorkingWeek(parsing: text) }
            do {
                _ = try WorkingWeek(parsing: text)
            } catch {
                #expect(error.description.contains(problem), "\(text): \(error.description)")
            }
        }
    }

    @Test func absencesAreDaysFirstToLast() throws {
        let leave = try #require(Absence(parsing: "2025-03-10..2025-03-14"))
        #expect(leave.description == "2025-03-10..2025-03-14")
        #expect(leave.contains(CalendarDays.day(of: "2025-03-12")!) && !leave.contains(CalendarDays.day(of: "2025-03-15")!))
        #expect(Absence(parsing: "2025-04-30")?.description == "2025-04-30")
        for bad in ["2025-03-14..2025-03-10", "2025-02-30", "soon", "2025-01-01..2040-01-02", "2025-03-10...2025-03-14"] {
            #expect(Absence(parsing: bad) == nil, "\(bad)")
        }
        let member = Staff(name: "Ngô Thanh Bình", role: "account-manager", absences: [Absence(parsing: "2025-04-30")!, leave])
        #expect(member.absences.first == leave, "kept in order")
        #expect(member.isAway(on: CalendarDays.day(of: "2025-04-30")!) && !member.isAway(on: CalendarDays.day(of: "2025-05-01")!))
    }

    @Test func areasMatchACustomersCityOrRegion() {
        let north = Staff(name: "Lê Văn Hùng", role: "account-manager", areas: ["Hà Nội", "Miền Bắc"])
        #expect(north.covers(city: "hà nội", region: nil) && north.covers(city: "Hải Phòng", region: "Miền Bắc"))
        #expect(!north.covers(city: "Đà Nẵng", region: "Miền Trung") && !north.covers(city: nil, region: nil))
        #expect(Staff(name: "Anyone", role: "agent").covers(city: nil, region: nil), "no areas: anywhere")
    }

    @Test func valuesThatCannotBeKeptAreRefusedWithTheReason() {
        func problem(_ change: (inout Staff) -> Void) -> String? {
            var member = Staff(name: "Trần Minh", role: "supervisor")
            change(&member)
            return member.problem
        }
        #expect(problem { _ in } == nil)
        #expect(problem { $0.role = "Account Manager" }?.contains("is not a role name") == true)
        #expect(problem { $0.otherRoles = ["visits"] } == nil)
        #expect(problem { $0.otherRoles = ["-x"] }?.contains("is not a role name") == true)
        #expect(problem { $0.name = "  " } == "name must be 1 to 200 bytes")
        #expect(problem { $0.timeZone = "Mars/Olympus" }?.contains("is not a time zone") == true)
        #expect(problem { $0.visitsPerDay = 0 } == "visits per day must be 1 to 50")
        #expect(problem { $0.visitsPerDay = 5; $0.visitsPerWeek = 3 } == "visits per week must be at least visits per day")
        #expect(Staff(name: "A", role: "supervisor", otherRoles: ["account-manager", "supervisor"]).roles == ["supervisor", "account-manager"])
    }
}
