import CordialCore
@testable import CordialStore
import Foundation
import Testing

/// The contract of ``VisitStore`` on every conformer: applying a planned visit puts it on the
/// member of staff's schedule once; a visit that would double-book someone (another
/// campaign's, booked since the plan), or go past their visits a day, is skipped; moving a
/// visit is checked the same way; cancelling and outcomes keep the history and reach the
/// customer's file; forgetting a customer cancels their visits and drops the notes.
@Suite final class VisitStoreConformanceTests {
    private let conformers = Conformers()
    static let day = CampaignStoreConformanceTests.day  // 2026-05-26, a Tuesday

    /// The campaign store's five customers and two account managers (Hà Nội; the second
    /// makes at most two visits a day).
    func store(_ kind: StoreKind) async throws -> (any Store, [CustomerID], [Int64]) {
        let (store, ids) = try await CampaignStoreConformanceTests().store(kind)
        let first = try await store.addStaff(Staff(externalID: "AM-1", name: "Trần Thị Mai", role: "account-manager", areas: ["Hà Nội"]))
        let second = try await store.addStaff(Staff(
            externalID: "AM-2", name: "Lê Văn Hùng", role: "account-manager", areas: ["Hà Nội"], visitsPerDay: 2))
        return (store, ids, [first.id!, second.id!])
    }

    static func visit(
        _ customer: CustomerID, staff: Int64, start: Int, day: Int = day, campaign: String = "key-accounts", minutes: Int = 60, buffer: Int = 30
    ) -> PlannedAction {
        PlannedAction(
            seq: 0, customerID: customer, campaign: campaign, occasion: "quarter:2026-Q2", form: .visit, occasionDay: day, actionDay: day,
            item: 1, cost: 0, currency: "VND", segment: "tier:gold", channel: .visit, role: "account-manager",
            visit: PlannedVisit(firstDay: day, lastDay: day + 13, minutes: minutes, buffer: buffer, staffID: staff, start: start))
    }

    @Test(arguments: StoreKind.allCases)
    func anAppliedVisitIsOnTheSchedule(kind: StoreKind) async throws {
        let (store, ids, staff) = try await store(kind)
        let plan = try await CampaignStoreConformanceTests.save([Self.visit(ids[0], staff: staff[0], start: 540)], in: store)
        let stored = try await store.plannedActions(of: plan.id!, seqs: 1...1)
        #expect(stored.first?.visit == Self.visit(ids[0], staff: staff[0], start: 540).visit, "the plan keeps the visit's window, staff and time")
        let outcome = try await CampaignStoreConformanceTests.apply(plan, in: store)
        #expect(outcome.applied == 1)
        let visits = try await store.visits(VisitQuery(staffID: staff[0]))
        #expect(visits.count == 1)
        let visit = try #require(visits.first)
        #expect(visit.customerID == ids[0] && visit.day == Self.day && visit.time == 540..<600 && visit.status == .scheduled && visit.sequence == 0)
        #expect(visit.actionKey == "key-accounts/quarter:2026-Q2/\(ids[0].rawValue)/visit")
        #expect(try await store.visitChanges(visit.id).map(\.kind) == [.scheduled])
        #expect(try await store.visitBookings(days: Self.day...Self.day) == [VisitBooking(staffID: staff[0], day: Self.day, minutes: 540..<600, buffer: 30)])
        #expect(try await store.interactions(of: ids[0]).map(\.kind) == [.visit])

        // Applying the plan again books nothing more.
        let again = try await CampaignStoreConformanceTests.apply(plan, in: store)
        #expect(again.applied == 0)
        #expect(try await store.visits(VisitQuery()).count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func aVisitThatWouldDoubleBookIsSkipped(kind: StoreKind) async throws {
        let (store, ids, staff) = try await store(kind)
        // Two plans made before either was applied put the same person at overlapping times,
        // or within the travel buffer; a third is two hours later.
        let first = try await CampaignStoreConformanceTests.save([Self.visit(ids[0], staff: staff[0], start: 540)], in: store)
        let overlapping = try await CampaignStoreConformanceTests.save(
            [Self.visit(ids[1], staff: staff[0], start: 570, campaign: "tet-visits"),
             Self.visit(ids[2], staff: staff[0], start: 610, campaign: "tet-visits"),
             Self.visit(ids[3], staff: staff[0], start: 720, campaign: "tet-visits")], in: store)
        #expect(try await CampaignStoreConformanceTests.apply(first, in: store).applied == 1)
        let outcome = try await CampaignStoreConformanceTests.apply(overlapping, in: store, partSize: 1)
        #expect(outcome.applied == 1)
        #expect(outcome.skipped == ["staff \(staff[0]) has another visit then (plan again)": 2])
        #expect(try await store.visits(VisitQuery(staffID: staff[0])).map(\.time) == [540..<600, 720..<780])
    }

    /// Two campaigns planned before either was applied put the same people at the same times;
    /// applied at once (two workers each), every slot ends up with one visit.
    @Test(arguments: StoreKind.allCases)
    func concurrentAppliesNeverDoubleBook(kind: StoreKind) async throws {
        let (store, ids, staff) = try await store(kind)
        func plan(_ campaign: String) async throws -> CampaignPlan {
            try await CampaignStoreConformanceTests.save(ids.indices.map { index in
                Self.visit(ids[index], staff: staff[index % 2], start: 480 + (index / 2) * 120, campaign: campaign)
            }, in: store)
        }
        let first = try await plan("spring-visits"), second = try await plan("vip-visits")
        async let a = CampaignStoreConformanceTests.apply(first, in: store, partSize: 1, worker: "a")
        async let b = CampaignStoreConformanceTests.apply(second, in: store, partSize: 1, worker: "b")
        async let c = CampaignStoreConformanceTests.apply(first, in: store, partSize: 1, worker: "c")
        async let d = CampaignStoreConformanceTests.apply(second, in: store, partSize: 1, worker: "d")
        let outcomes = try await [a, b, c, d]
        let visits = try await store.visits(VisitQuery())
        #expect(outcomes.reduce(0) { $0 + $1.applied } == visits.count)
        #expect(visits.count == 5, "staff 1's three slots and staff 2's two, each once: \(visits.map { "\($0.staffID) \($0.start)" })")
        for (index, visit) in visits.enumerated() {
            for other in visits[(index + 1)...] where other.staffID == visit.staffID && other.day == visit.day {
                #expect(!other.time.overlaps((visit.start - visit.buffer)..<(visit.time.upperBound + visit.buffer)), "double booking")
            }
        }
    }

    /// The gap between two visits is the larger of their buffers, whichever is booked first,
    /// and holds across midnight.
    @Test(arguments: StoreKind.allCases)
    func theWiderBufferHolds(kind: StoreKind) async throws {
        let (store, ids, staff) = try await store(kind)
        let first = try await CampaignStoreConformanceTests.save([Self.visit(ids[0], staff: staff[0], start: 540, buffer: 60)], in: store)
        try await CampaignStoreConformanceTests.apply(first, in: store)
        let second = try await CampaignStoreConformanceTests.save([
            Self.visit(ids[1], staff: staff[0], start: 630, campaign: "quick-calls", buffer: 0),
            Self.visit(ids[2], staff: staff[0], start: 660, campaign: "quick-calls", buffer: 0),
            Self.visit(ids[3], staff: staff[0], start: 1_410, day: Self.day - 1, campaign: "quick-calls", minutes: 30, buffer: 0),
        ], in: store)
        let outcome = try await CampaignStoreConformanceTests.apply(second, in: store, partSize: 1)
        #expect(outcome.applied == 2 && outcome.skipped == ["staff \(staff[0]) has another visit then (plan again)": 1])
        #expect(try await store.visits(VisitQuery()).map(\.customerID) == [ids[3], ids[0], ids[2]])
        let late = try #require(try await store.visits(VisitQuery(customerID: ids[3])).first)
        // The day before ends with a visit until midnight: the 09:00 visit (buffer 60) moved to
        // 00:15 would come 15 minutes after it.
        await #expect(throws: StoreError.invalidVisit("staff \(staff[0]) has another visit then")) {
            let moved = try #require(try await store.visits(VisitQuery(customerID: ids[0])).first)
            _ = try await store.updateVisit(moved.id, .reschedule(staffID: nil, day: Self.day, start: 15), note: nil, by: nil, at: CampaignStoreConformanceTests.madeAt)
        }
        #expect(late.day == Self.day - 1)
    }

    @Test(arguments: StoreKind.allCases)
    func aChangeOnAStaleReadIsRefused(kind: StoreKind) async throws {
        let (store, ids, staff) = try await store(kind)
        let plan = try await CampaignStoreConformanceTests.save([Self.visit(ids[0], staff: staff[0], start: 540)], in: store)
        try await CampaignStoreConformanceTests.apply(plan, in: store)
        let read = try #require(try await store.visits(VisitQuery()).first)
        _ = try await store.updateVisit(read.id, .reschedule(staffID: nil, day: Self.day, start: 600), note: nil, by: "Mai", at: CampaignStoreConformanceTests.madeAt, expectedSequence: 0)
        await #expect(throws: StoreError.invalidVisit("visit \(read.id) changed meanwhile (change 1); look again with `cordial visits show \(read.id)`")) {
            try await store.updateVisit(read.id, .reschedule(staffID: staff[1], day: Self.day, start: 540), note: nil, by: "Hùng", at: CampaignStoreConformanceTests.madeAt, expectedSequence: 0)
        }
        let kept = try await store.visit(read.id)
        #expect(kept?.start == 600 && kept?.staffID == staff[0])
    }

    @Test(arguments: StoreKind.allCases)
    func visitsADayHold(kind: StoreKind) async throws {
        let (store, ids, staff) = try await store(kind)
        let plan = try await CampaignStoreConformanceTests.save(
            [0, 1, 2].map { Self.visit(ids[$0], staff: staff[1], start: 480 + $0 * 120) }, in: store)
        let outcome = try await CampaignStoreConformanceTests.apply(plan, in: store)
        #expect(outcome.applied == 2 && outcome.skipped == ["staff \(staff[1]) has 2 visits that day (plan again)": 1])
    }

    @Test(arguments: StoreKind.allCases)
    func movingAVisitIsCheckedAndKeepsItsHistory(kind: StoreKind) async throws {
        let (store, ids, staff) = try await store(kind)
        let plan = try await CampaignStoreConformanceTests.save(
            [Self.visit(ids[0], staff: staff[0], start: 540), Self.visit(ids[1], staff: staff[0], start: 720)], in: store)
        try await CampaignStoreConformanceTests.apply(plan, in: store)
        let visits = try await store.visits(VisitQuery())
        let at = CampaignStoreConformanceTests.madeAt + 7_200

        // Onto the other visit, or within its buffer: refused, nothing changed.
        await #expect(throws: StoreError.invalidVisit("staff \(staff[0]) has another visit then")) {
            try await store.updateVisit(visits[0].id, .reschedule(staffID: nil, day: Self.day, start: 690), note: nil, by: "Mai", at: at)
        }
        await #expect(throws: StoreError.invalidVisit("no member of staff 999")) {
            try await store.updateVisit(visits[0].id, .reschedule(staffID: 999, day: Self.day, start: 540), note: nil, by: "Mai", at: at)
        }
        await #expect(throws: StoreError.invalidVisit("no visit 999")) {
            try await store.updateVisit(999, .cancel, note: nil, by: nil, at: at)
        }
        // Half an hour later overlaps where it was: its own slot does not count.
        let later = try await store.updateVisit(visits[0].id, .reschedule(staffID: nil, day: Self.day, start: 570), note: "khách bận buổi sáng", by: "Mai", at: at)
        #expect(later.time == 570..<630 && later.sequence == 1)
        let moved = try await store.updateVisit(visits[0].id, .reschedule(staffID: staff[1], day: Self.day + 1, start: 600), note: nil, by: "Mai", at: at)
        #expect(moved.staffID == staff[1] && moved.day == Self.day + 1 && moved.sequence == 2)
        #expect(try await store.visit(visits[0].id) == moved)
        let history = try await store.visitChanges(visits[0].id)
        #expect(history.map(\.kind) == [.scheduled, .rescheduled, .rescheduled])
        #expect(history.map(\.start) == [540, 570, 600] && history[1].note == "khách bận buổi sáng" && history[1].by == "Mai")

        // Cancelled: its slot is free again, and it cannot be changed any more.
        let cancelled = try await store.updateVisit(visits[1].id, .cancel, note: "customer asked", by: "Mai", at: at)
        #expect(cancelled.status == .cancelled && cancelled.sequence == 1)
        #expect(try await store.visitBookings(days: Self.day...Self.day).isEmpty)
        await #expect(throws: StoreError.invalidVisit("visit \(visits[1].id) is cancelled, not scheduled")) {
            try await store.updateVisit(visits[1].id, .outcome(.done, time: at), note: nil, by: nil, at: at)
        }
        #expect(try await store.interactions(of: ids[1]).map(\.outcome) == ["visit cancelled: customer asked"])
    }

    @Test(arguments: StoreKind.allCases)
    func anOutcomeIsOnTheCustomersFileAndForgettingDropsTheNotes(kind: StoreKind) async throws {
        let (store, ids, staff) = try await store(kind)
        let plan = try await CampaignStoreConformanceTests.save(
            [Self.visit(ids[0], staff: staff[0], start: 540), Self.visit(ids[1], staff: staff[0], start: 720)], in: store)
        try await CampaignStoreConformanceTests.apply(plan, in: store)
        let visits = try await store.visits(VisitQuery())
        let time = Date(timeIntervalSince1970: Double(Self.day) * 86_400 + 2 * 3_600)
        let done = try await store.updateVisit(visits[0].id, .outcome(.done, time: time), note: "Khách hài lòng, muốn nâng hạng", by: "Mai", at: time + 3_600)
        #expect(done.status == .done && done.notes == "Khách hài lòng, muốn nâng hạng")
        let file = try await store.interactions(of: ids[0])
        #expect(file.count == 1 && file[0].outcome == "visit done: Khách hài lòng, muốn nâng hạng" && file[0].staffID == staff[0] && file[0].time == time)
        #expect(try await store.visitBookings(days: Self.day...Self.day).count == 2, "a visit done still held its slot")
        await #expect(throws: StoreError.invalidVisit("visit \(visits[0].id) is done, not scheduled")) {
            try await store.updateVisit(visits[0].id, .outcome(.absent, time: time), note: nil, by: nil, at: time)
        }
        #expect(try await store.visits(VisitQuery(statuses: [.scheduled])).map(\.id) == [visits[1].id])

        try await store.forget(ids[0], reason: "request")
        try await store.forget(ids[1], reason: "request")
        #expect(try await store.visit(visits[0].id)?.notes == nil)
        #expect(try await store.visitChanges(visits[0].id).allSatisfy { $0.note == nil })
        #expect(try await store.interactions(of: ids[0]).map(\.outcome) == ["visit done"])
        #expect(try await store.visit(visits[1].id)?.status == .cancelled, "no one visits a forgotten customer")
    }
}
