import Cordial
import CordialCore
import CordialStore
import Foundation
import Logging
import Testing

/// A visit programme planned and applied as an admin writes it: visits go to staff of the
/// role who cover the customer's city or region, at times they are free; who cannot be served
/// is held back with the reason; a second campaign plans around the first's visits.
@Suite final class VisitCampaignTests {
    let folder: PluginFolder
    let stores = TemporaryStores()

    init() throws {
        folder = try PluginFolder()
    }

    static let plugin = """
        local cordial = require "cordial"
        local p = cordial.plugin { name = "visits", version = "1.0.0", api = 1 }
        p:segment("tier", { labels = { "gold", "silver" } }, function(c) return c.tier end)
        p:policy("quarterly-visits", {
          segment = "tier:gold",
          care = { { every = "quarter", day = 1, visit = { role = "account-manager", minutes = 120, within = 2, buffer = 60, own_manager = true } } },
        })
        p:policy("tet-visits", {
          segment = "tier:gold",
          care = { { on = "holiday:lunar-new-year", lead_days = 47, visit = { role = "account-manager", minutes = 60, within = 1 } } },
        })
        p:policy("top-two", {
          segments = { "tier:gold", "tier:silver" }, most_valuable = 2,
          care = { { every = "quarter", day = 1, letter = "thanks" } },
        })
        return p
        """

    /// Gold customers: three in Hà Nội (one with their own manager), one in Huế where no one
    /// works; a silver one in Hà Nội. Staff: two account managers in Hà Nội making two visits
    /// a day (one away on 2 January), an agent in Huế.
    func organisation() async throws -> (any Store, PluginRegistry, [Int64]) {
        try folder.plugin("visits", ["plugin.lua": Self.plugin, "letters/thanks.en.mustache": "---\nsubject: Thanks\n---\nThanks"])
        let registry = PluginRegistry(roots: [folder.root], loader: PluginLoader(chunkNameRoot: folder.root))
        #expect(registry.reload().problems.isEmpty)
        let store = try await stores.empty()
        func customer(_ id: String, _ city: String, tier: String, manager: String? = nil) -> Customer {
            Customer(
                source: "crm", externalID: id, name: PersonName(given: "Khách \(id)", family: "Nguyễn"),
                address: Address(lines: ["\(id) Hàng Bạc"], city: city, region: city == "Huế" ? "Miền Trung" : "Miền Bắc"), locale: "vi",
                tier: tier, attributes: manager.map { ["account_manager": .string($0)] } ?? [:])
        }
        _ = try await store.apply(ImportBatch(customers: [
            customer("1", "Hà Nội", tier: "gold"), customer("2", "Hà Nội", tier: "gold", manager: "AM-2"), customer("3", "Hà Nội", tier: "gold"),
            customer("4", "Huế", tier: "gold"), customer("5", "Hà Nội", tier: "silver"),
        ]), dryRun: false)
        _ = try await SegmentRunner(
            store: store, plugins: registry.plugins, loader: registry.loader, at: CalendarDays.date(ofDay: CalendarDays.day(of: "2025-12-20")!),
            logger: Logger(label: "test")
        ).run()
        let first = try await store.addStaff(Staff(
            externalID: "AM-1", name: "Trần Thị Mai", role: "account-manager", areas: ["Hà Nội"], visitsPerDay: 2,
            absences: [Absence(first: CalendarDays.day(of: "2026-01-02")!, last: CalendarDays.day(of: "2026-01-02")!)]))
        let second = try await store.addStaff(Staff(externalID: "AM-2", name: "Lê Văn Hùng", role: "account-manager", areas: ["Miền Bắc"], visitsPerDay: 2))
        _ = try await store.addStaff(Staff(externalID: "AG-1", name: "Phạm Hoa", role: "agent", areas: ["Huế"]))
        return (store, registry, [first.id!, second.id!])
    }

    func planner(_ store: any Store, _ registry: PluginRegistry) -> CampaignPlanner {
        CampaignPlanner(store: store, plugins: registry.plugins, loader: registry.loader, logger: Logger(label: "test"))
    }

    func apply(_ plan: CampaignPlan, _ store: any Store, _ registry: PluginRegistry) async throws -> CampaignApplyOutcome {
        try await CampaignApplier(store: store, events: [], worker: "test:1").apply(plan: plan.id!).outcome
    }

    static let quarter = CalendarDays.day(of: "2026-01-01")!

    @Test func visitsGoToStaffWhoCoverTheCustomerAtTimesTheyAreFree() async throws {
        let (store, registry, staff) = try await organisation()
        let plan = try await planner(store, registry).plan("quarterly-visits", window: Self.quarter...Self.quarter)
        let actions = try await store.plannedActions(of: plan.id!, seqs: 1...10)
        #expect(actions.count == 4)
        let byCustomer = Dictionary(uniqueKeysWithValues: actions.map { ($0.customerID.rawValue, $0) })
        // Huế: the agent there does not visit.
        #expect(byCustomer[4]?.heldBack == "visit not scheduled: no staff with the role in the customer's area")
        // Customer 2's own manager (their account_manager attribute) visits them.
        #expect(byCustomer[2]?.visit?.staffID == staff[1] && byCustomer[2]?.visit?.preferredStaffID == staff[1])
        let served = actions.filter { $0.heldBack == nil }
        #expect(served.count == 3)
        // Within the two-day window (1 January, a Thursday; 2 January Mai is away), within
        // working hours, no one twice at once (with the hour's buffer), two a day at most.
        for action in served {
            let visit = try #require(action.visit)
            #expect((Self.quarter...(Self.quarter + 1)).contains(action.actionDay))
            #expect(!(visit.staffID == staff[0] && action.actionDay == Self.quarter + 1), "Mai is away on 2 January")
            #expect(WorkingWeek.office.days[(action.actionDay + 4) % 7 + 1]?.contains { $0.lowerBound <= visit.start! && visit.time!.upperBound <= $0.upperBound } == true)
            for other in served where other.seq != action.seq && other.visit?.staffID == visit.staffID && other.actionDay == action.actionDay {
                #expect(!other.visit!.time!.overlaps((visit.start! - 60)..<(visit.time!.upperBound + 60)))
            }
        }
        #expect(plan.summary.byForm["visit"]?.count == 3 && plan.summary.heldBack.values.reduce(0, +) == 1)

        let outcome = try await apply(plan, store, registry)
        #expect(outcome.applied == 3)
        let booked = try await store.visits(VisitQuery())
        #expect(Set(booked.map(\.customerID.rawValue)) == Set(served.map(\.customerID.rawValue)))
        #expect(booked.allSatisfy { visit in served.contains { $0.visit?.staffID == visit.staffID && $0.actionDay == visit.day && $0.visit?.start == visit.start } })
    }

    @Test func aSecondCampaignIsPlannedAroundTheFirstsVisits() async throws {
        let (store, registry, _) = try await organisation()
        let first = try await planner(store, registry).plan("quarterly-visits", window: Self.quarter...Self.quarter)
        _ = try await apply(first, store, registry)
        let booked = try await store.visits(VisitQuery())
        // Tết 2026 (17 February) less 47 days: 1 January, the day the quarter's visits fill.
        let tet = try await planner(store, registry).plan("tet-visits", window: Self.quarter...Self.quarter)
        let actions = try await store.plannedActions(of: tet.id!, seqs: 1...10)
        #expect(actions.allSatisfy { $0.actionDay == Self.quarter })
        let scheduled = actions.filter { $0.heldBack == nil }
        for action in scheduled {
            let visit = try #require(action.visit)
            for other in booked where other.staffID == visit.staffID && other.day == action.actionDay {
                #expect(!other.time.overlaps((visit.start! - visit.buffer)..<(visit.time!.upperBound + visit.buffer)), "booked over another campaign's visit")
            }
        }
        // Each Hà Nội manager makes two visits a day; the quarter's took three of the four.
        #expect(scheduled.count == 1)
        #expect(actions.filter { $0.heldBack == "visit not scheduled: capacity exhausted" }.count == 2)
        #expect(try await apply(tet, store, registry).applied == 1)
        #expect(try await store.visits(VisitQuery()).count == 4)
    }

    /// Planning the same quarter again does not schedule the visits already booked a second
    /// time (which would take slots from others): applying finds them done.
    @Test func planningAgainLeavesBookedVisitsAlone() async throws {
        let (store, registry, _) = try await organisation()
        let first = try await planner(store, registry).plan("quarterly-visits", window: Self.quarter...Self.quarter)
        #expect(try await apply(first, store, registry).applied == 3)
        let again = try await planner(store, registry).plan("quarterly-visits", window: Self.quarter...Self.quarter)
        let actions = try await store.plannedActions(of: again.id!, seqs: 1...10).filter { $0.heldBack == nil }
        #expect(actions.count == 3 && actions.allSatisfy { $0.visit?.staffID == nil }, "not scheduled again")
        let outcome = try await apply(again, store, registry)
        #expect(outcome.applied == 0 && outcome.alreadyDone == 3)
        #expect(try await store.visits(VisitQuery()).count == 3)
    }

    @Test func aPolicyForTheMostValuableTakesThatManyCustomers() async throws {
        let (store, registry, _) = try await organisation()
        // No value fit: every customer is as valuable; the lowest ids come first.
        let plan = try await planner(store, registry).plan("top-two", window: Self.quarter...Self.quarter)
        #expect(try await store.plannedActions(of: plan.id!, seqs: 1...10).map(\.customerID.rawValue) == [1, 2])
    }

    @Test func aVisitPolicyThatIsWrongIsRefusedAtItsLine() throws {
        try folder.plugin("bad", ["plugin.lua": """
            local cordial = require "cordial"
            local p = cordial.plugin { name = "bad", version = "1.0.0", api = 1 }
            p:policy("visits", {
              segment = "tier:gold",
              care = { { every = "quarter", visit = { role = "Account Manager" } } },
            })
            return p
            """])
        let registry = PluginRegistry(roots: [folder.root], loader: PluginLoader(chunkNameRoot: folder.root))
        let problems = registry.reload().problems.map(\.description)
        #expect(problems.contains { $0.contains("bad/plugin.lua:3") && $0.contains("visit.role must name the role of the staff who visit") }, "\(problems)")
    }
}
