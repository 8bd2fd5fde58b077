import CordialCore
@testable import CordialStore
import Foundation
import Testing

/// The contract of ``CampaignStore`` on every conformer: plans saved and read back as they
/// were, runs cut into parts that one worker holds at a time, and a ledger in which every
/// action is written once with its effects, whatever applies it again — the same part, the
/// same plan, an overlapping plan, or two workers at once — within budgets, caps, stock and
/// seats.
@Suite final class CampaignStoreConformanceTests {
    private let conformers = Conformers()

    static let day = 20_600  // 2026-05-26
    static let madeAt = Date(timeIntervalSince1970: 1_780_000_000)

    /// Five customers (ids 1…5) and a catalog: a tea set (3 left) and a scarf (100 left).
    func store(_ kind: StoreKind) async throws -> (any Store, [CustomerID]) {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        _ = try await store.importGiftItems([
            GiftItem(catalog: "premium", code: "tea-set", name: "Bộ ấm trà", cost: Money(350_000, "VND"), stock: 3),
            GiftItem(catalog: "premium", code: "scarf", name: "Khăn lụa", cost: Money(200_000, "VND"), stock: 100),
        ])
        return (store, ids)
    }

    static func gift(_ customer: CustomerID, item: String = "scarf", cost: Decimal = 200_000, occasion: String = "birthday:2026", day: Int = day)
        -> PlannedAction
    {
        PlannedAction(
            seq: 0, customerID: customer, campaign: "birthday-gifts", occasion: occasion, form: .gift, occasionDay: day, actionDay: day,
            item: 1, cost: cost, currency: "VND", segment: "tier:gold", channel: .post, giftCatalog: "premium", giftItem: item)
    }

    static func letter(_ customer: CustomerID, campaign: String = "birthday-gifts") -> PlannedAction {
        PlannedAction(
            seq: 0, customerID: customer, campaign: campaign, occasion: "birthday:2026", form: .letter, occasionDay: day, actionDay: day,
            item: 2, cost: 0, currency: "VND", segment: "tier:gold", channel: .email, template: "birthday")
    }

    static func call(_ customer: CustomerID) -> PlannedAction {
        PlannedAction(
            seq: 0, customerID: customer, campaign: "birthday-gifts", occasion: "birthday:2026", form: .call, occasionDay: day,
            actionDay: day - 3, item: 3, cost: 0, currency: "VND", segment: "tier:gold", channel: .phone, role: "agent",
            script: "Chúc mừng sinh nhật anh/chị!")
    }

    static func invitation(_ customer: CustomerID) -> PlannedAction {
        PlannedAction(
            seq: 0, customerID: customer, campaign: "birthday-gifts", occasion: "birthday:2026", form: .invitation, occasionDay: day,
            actionDay: day, item: 4, cost: 50_000, currency: "VND", segment: "tier:gold", channel: .email, event: "gala-2026")
    }

    static let gala = CareEvent(name: "gala-2026", title: "Đêm tri ân khách hàng", day: day + 30, capacity: 2, definedAt: "care.lua:12")

    /// Saves `actions` (numbered in order) as a plan of their campaign.
    static func save(_ actions: [PlannedAction], in store: any Store, limits: CampaignLimits = CampaignLimits(currency: "VND"))
        async throws -> CampaignPlan
    {
        let numbered = actions.enumerated().map { index, action in
            var action = action
            action.seq = index + 1
            return action
        }
        let plan = CampaignPlan(
            campaign: numbered.first?.campaign ?? "birthday-gifts", plugin: "care", pluginVersion: "1.0.0", fromDay: day - 10,
            toDay: day + 10, madeAt: madeAt, fingerprint: "sha256:\(numbered.count)", limits: limits,
            summary: CampaignPlanSummary(actions: numbered.count, customers: Set(numbered.map(\.customerID)).count))
        return try await store.savePlan(plan, actions: numbered)
    }

    /// Claims and applies every part of the plan's run as `worker`; the outcome of the parts
    /// this worker applied.
    @discardableResult
    static func apply(_ plan: CampaignPlan, in store: any Store, partSize: Int = 2, worker: String = "host:1", events: [CareEvent] = [gala])
        async throws -> CampaignApplyOutcome
    {
        let run = try await store.openCampaignRun(plan: plan.id!, partSize: partSize)
        var outcome = CampaignApplyOutcome()
        while let part = try await store.claimCampaignPart(of: run, worker: worker, lease: 60) {
            do {
                outcome.add(try await store.applyCampaignPart(part, limits: plan.limits, events: events, at: madeAt + 3_600))
            } catch StoreError.campaignPartDone {
                continue
            }
        }
        return outcome
    }

    @Test func partsNeverSplitACustomersActions() {
        let parts = CampaignParts.cut(customers: [1, 1, 1, 2, 2, 3, 3, 3, 3, 4], size: 2)
        #expect(parts.map { "\($0.first)-\($0.last)" } == ["1-3", "4-5", "6-9", "10-10"])
        #expect(CampaignParts.cut(customers: [7], size: 500).map { "\($0.first)-\($0.last)" } == ["1-1"])
        #expect(CampaignParts.cut(customers: [], size: 500).map { "\($0.first)-\($0.last)" } == ["1-0"], "an empty plan's run has one empty part")
    }

    @Test(arguments: StoreKind.allCases)
    func aPlanIsReadBackAsItWasSaved(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let limits = CampaignLimits(
            currency: "VND", total: 1_000_000, perCustomer: 400_000, periodAmount: 600_000, periodDays: 7,
            caps: [.init(forms: [.gift], count: 1, days: 90)])
        let actions = [Self.gift(ids[0]), Self.letter(ids[0]), Self.call(ids[1]), Self.invitation(ids[2])]
        let saved = try await Self.save(actions, in: store, limits: limits)
        let id = try #require(saved.id)
        let read = try #require(try await store.campaignPlan(id))
        #expect(read == saved)
        let stored = try await store.plannedActions(of: id, seqs: 1...10)
        #expect(stored.map(\.seq) == [1, 2, 3, 4])
        #expect(stored.map(\.key) == actions.map(\.key))
        #expect(stored[2].script == "Chúc mừng sinh nhật anh/chị!" && stored[2].role == "agent" && stored[2].actionDay == Self.day - 3)
        #expect(stored[0].giftItem == "scarf" && stored[0].cost == 200_000 && stored[3].event == "gala-2026")
        #expect(try await store.plannedActions(of: id, seqs: 2...3).map(\.seq) == [2, 3])

        let second = try await Self.save([Self.letter(ids[3], campaign: "tet-letters")], in: store)
        #expect(try await store.campaignPlans(campaign: nil).map(\.id) == [second.id, saved.id], "newest first")
        #expect(try await store.campaignPlans(campaign: "birthday-gifts").map(\.id) == [saved.id])

        let approval = CampaignApproval(by: "Trần Minh", role: "marketing-manager", at: Self.madeAt + 60, fingerprint: saved.fingerprint)
        try await store.approvePlan(id, approval: approval)
        #expect(try await store.campaignPlan(id)?.approval == approval)
        await #expect(throws: StoreError.noSuchPlan(999)) { try await store.approvePlan(999, approval: approval) }
        await #expect(throws: StoreError.noSuchPlan(999)) { _ = try await store.openCampaignRun(plan: 999, partSize: 2) }
    }

    @Test(arguments: StoreKind.allCases)
    func giftItemsAreAddedOrUpdatedByCatalogAndCode(kind: StoreKind) async throws {
        let (store, _) = try await store(kind)
        let counts = try await store.importGiftItems([
            GiftItem(catalog: "premium", code: "scarf", name: "Khăn lụa Hà Đông", cost: Money(Decimal(string: "210000.5")!, "VND"), stock: 7),
            GiftItem(catalog: "basic", code: "card", name: "贺卡", cost: Money(1, "CNY"), stock: 0),
        ])
        #expect(counts.added == 1 && counts.updated == 1)
        let items = try await store.giftItems()
        #expect(items.map { "\($0.catalog)/\($0.code)" } == ["basic/card", "premium/scarf", "premium/tea-set"])
        #expect(items[1].name == "Khăn lụa Hà Đông" && items[1].cost == Money(Decimal(string: "210000.5")!, "VND") && items[1].stock == 7)
        #expect(items[0].name == "贺卡" && items[0].stock == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func applyingWritesEachActionOnceWithItsEffects(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let plan = try await Self.save(
            [Self.gift(ids[0], item: "tea-set", cost: 350_000), Self.letter(ids[0]), Self.call(ids[1]), Self.invitation(ids[1]), Self.gift(ids[2])],
            in: store)
        let outcome = try await Self.apply(plan, in: store)
        #expect(outcome == CampaignApplyOutcome(applied: 5, cost: 600_000))

        let tallies = try await store.campaignTallies(campaign: "birthday-gifts")
        #expect(tallies.ledger == 5 && tallies.ledgerCost == 600_000)
        #expect(tallies.outbox == 1 && tallies.calls == 1 && tallies.seats == 1 && tallies.interactions == 5)
        #expect(tallies.budgets == ["birthday-gifts/total": 600_000])
        #expect(tallies.eventSeats == ["gala-2026": 1])
        let stock = Dictionary(uniqueKeysWithValues: try await store.giftItems().map { ("\($0.catalog)/\($0.code)", $0.stock) })
        #expect(stock == ["premium/tea-set": 2, "premium/scarf": 99])

        let entries = try await store.careActions(of: [ids[0], ids[4]])
        #expect(entries.map { "\($0.form.rawValue) \($0.cost) \($0.day)" }.sorted() == ["gift 350000 \(Self.day)", "letter 0 \(Self.day)"])
        #expect(entries.allSatisfy { $0.customerID == ids[0] && $0.campaign == "birthday-gifts" })
        #expect(try await store.careActions(of: [ids[1]]).first { $0.form == .invitation }?.event == "gala-2026")
        let interactions = try await store.interactions(of: ids[0])
        #expect(interactions.map(\.kind).sorted { $0.rawValue < $1.rawValue }.map(\.rawValue) == ["gift", "letter"])
        #expect(interactions.contains { $0.cost == Money(350_000, "VND") })

        let run = try #require(try await store.campaignRuns(plan: plan.id).first)
        #expect(run.status == .done && run.parts == 3 && run.finishedAt != nil)
        let progress = try await store.campaignRunProgress(run.id)
        #expect(progress.partsDone == 3 && progress.outcome == outcome)
        let records = try await store.campaignRunActions(run.id)
        #expect(records.map(\.seq) == [1, 2, 3, 4, 5] && records.allSatisfy { $0.result == .applied })
        #expect(records[0].cost == 350_000 && records[0].key == "birthday-gifts/birthday:2026/\(ids[0].rawValue)/gift")

        // A done run is not opened again: applying the plan again opens a new run whose every
        // action is found done.
        let again = try await Self.apply(plan, in: store)
        #expect(again == CampaignApplyOutcome(alreadyDone: 5))
        #expect(try await store.campaignTallies(campaign: "birthday-gifts") == tallies)
        #expect(try await store.campaignRuns(plan: plan.id).count == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func aPartAppliedTwiceIsRefusedAndWritesNothing(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let plan = try await Self.save([Self.gift(ids[0]), Self.letter(ids[1])], in: store)
        let run = try await store.openCampaignRun(plan: plan.id!, partSize: 10)
        let part = try #require(try await store.claimCampaignPart(of: run, worker: "a", lease: 60))
        #expect(try await store.claimCampaignPart(of: run, worker: "b", lease: 60) == nil, "the only part is held")
        _ = try await store.applyCampaignPart(part, limits: plan.limits, events: [], at: Self.madeAt)
        let tallies = try await store.campaignTallies(campaign: nil)
        await #expect(throws: StoreError.campaignPartDone(run: run.id, part: 0)) {
            _ = try await store.applyCampaignPart(part, limits: plan.limits, events: [], at: Self.madeAt)
        }
        #expect(try await store.campaignTallies(campaign: nil) == tallies)
        #expect(try await store.claimCampaignPart(of: run, worker: "b", lease: 60) == nil, "a done run has no part to claim")
    }

    @Test(arguments: StoreKind.allCases)
    func anOverlappingPlanFindsTheSameActionsDone(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let first = try await Self.save([Self.gift(ids[0]), Self.letter(ids[1])], in: store)
        try await Self.apply(first, in: store)
        // Planned again over a wider window: two of its keys are the first plan's.
        let second = try await Self.save([Self.letter(ids[2]), Self.letter(ids[1]), Self.gift(ids[0])], in: store)
        let outcome = try await Self.apply(second, in: store)
        #expect(outcome == CampaignApplyOutcome(applied: 1, alreadyDone: 2))
        let tallies = try await store.campaignTallies(campaign: "birthday-gifts")
        #expect(tallies.ledger == 3 && tallies.outbox == 2 && tallies.interactions == 3)
        let run = try #require(try await store.campaignRuns(plan: second.id).first)
        let records = try await store.campaignRunActions(run.id)
        #expect(records.map(\.result) == [.applied, .alreadyDone, .alreadyDone])
    }

    @Test(arguments: StoreKind.allCases)
    func budgetsCapsStockAndSeatsHold(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        // Total 1,000,000; per customer 400,000; one gift per customer in 90 days.
        let limits = CampaignLimits(currency: "VND", total: 1_000_000, perCustomer: 400_000, caps: [.init(forms: [.gift], count: 1, days: 90)])
        let actions = [
            Self.gift(ids[0], item: "tea-set", cost: 350_000),
            Self.gift(ids[0], occasion: "anniversary:2026", day: Self.day + 30),  // cap: a gift 30 days earlier
            Self.invitation(ids[0]),  // 350,000 + 50,000 = 400,000: within the customer's budget
            Self.gift(ids[1], item: "tea-set", cost: 350_000),
            Self.invitation(ids[1]),
            Self.invitation(ids[2]),  // the gala has two seats
            Self.gift(ids[2], item: "tea-set", cost: 350_000),  // 800,000 + 350,000 > 1,000,000
            Self.gift(ids[3], item: "tea-set", cost: 100_000),  // within the budget: the last tea set
            Self.gift(ids[4], item: "tea-set", cost: 100_000),  // none left
            Self.gift(ids[4], item: "vase", cost: 1),  // no such item
        ]
        let plan = try await Self.save(actions, in: store, limits: limits)
        let outcome = try await Self.apply(plan, in: store, partSize: 3)
        #expect(outcome.applied == 5)
        #expect(outcome.skipped == [
            "cap: 1 gift in 90 days": 1, "event full: gala-2026": 1, "budget total reached": 1, "out of stock: premium/tea-set": 1,
            "no gift item premium/vase": 1,
        ])
        #expect(outcome.cost == 900_000)
        let tallies = try await store.campaignTallies(campaign: "birthday-gifts")
        #expect(tallies.budgets["birthday-gifts/total"] == 900_000 && tallies.ledgerCost == 900_000)
        #expect(tallies.eventSeats["gala-2026"] == 2 && tallies.seats == 2)
        #expect(try await store.giftItems().first { $0.code == "tea-set" }?.stock == 0)

        // The per-customer budget: a second campaign's spending does not count, this one's does.
        var extra = Self.letter(ids[0])
        extra.occasion = "birthday:2027"
        extra.cost = 1
        let over = try await Self.save([extra], in: store, limits: limits)
        #expect(try await Self.apply(over, in: store).skipped == ["budget per customer reached": 1])

        // Caps count every campaign's actions: another campaign's gift to the same customer.
        var other = Self.gift(ids[3], cost: 0)
        other.campaign = "tet-gifts"
        other.occasion = "holiday:lunar-new-year:2026"
        let capped = try await Self.save([other], in: store, limits: limits)
        #expect(try await Self.apply(capped, in: store).skipped == ["cap: 1 gift in 90 days": 1])
    }

    @Test(arguments: StoreKind.allCases)
    func aPeriodBudgetHoldsPerPeriod(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let limits = CampaignLimits(currency: "VND", periodAmount: 400_000, periodDays: 7)
        let week = Self.day - Self.day % 7
        let actions = [
            Self.gift(ids[0], day: week), Self.gift(ids[1], day: week + 6), Self.gift(ids[2], day: week + 1),  // third is over
            Self.gift(ids[3], day: week + 7),  // the next week
        ]
        let outcome = try await Self.apply(try await Self.save(actions, in: store, limits: limits), in: store)
        #expect(outcome.applied == 3)
        #expect(outcome.skipped == ["budget for the period from \(CalendarDays.text(ofDay: week)) reached": 1])
        let budgets = try await store.campaignTallies(campaign: "birthday-gifts").budgets
        #expect(budgets["birthday-gifts/\(CalendarDays.text(ofDay: week))"] == 400_000)
        #expect(budgets["birthday-gifts/\(CalendarDays.text(ofDay: week + 7))"] == 200_000)
    }

    @Test(arguments: StoreKind.allCases)
    func forgottenAndHeldBackCustomersGetNothing(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        var held = Self.letter(ids[1])
        held.heldBack = "no consent for email"
        let plan = try await Self.save([Self.gift(ids[0]), held, Self.letter(ids[2])], in: store)
        try await store.forget(ids[0], reason: "request #9")
        let outcome = try await Self.apply(plan, in: store)
        #expect(outcome == CampaignApplyOutcome(
            applied: 1, skipped: ["customer forgotten": 1, "held back by the plan: no consent for email": 1]))
        let run = try #require(try await store.campaignRuns(plan: plan.id).first)
        let records = try await store.campaignRunActions(run.id)
        #expect(records.map(\.result) == [.skipped, .skipped, .applied])
        #expect(records[1].reason == "held back by the plan: no consent for email")
        #expect(try await store.campaignTallies(campaign: nil).outbox == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func forgettingACustomerCancelsTheirPendingLettersAndOpenCalls(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let plan = try await Self.save([Self.letter(ids[0]), Self.call(ids[0]), Self.letter(ids[1])], in: store)
        try await Self.apply(plan, in: store)
        try await store.forget(ids[0], reason: "request #12")
        let run = try #require(try await store.campaignRuns(plan: plan.id).first)
        #expect(try await store.campaignRunActions(run.id).filter { $0.result == .applied }.count == 3, "the ledger keeps what was applied")
        let pending = try await Self.pending(in: store)
        #expect(pending == ["letter \(ids[1].rawValue) pending"], "\(pending)")
    }

    /// "letter 2 pending", "call 1 open", … of every outbox row and call task not cancelled.
    static func pending(in store: any Store) async throws -> [String] {
        var rows: [String] = []
        let reader = try #require(store as (any StoreCopying)?)
        for table in StoredTable.all where table.name == "letter_outbox" || table.name == "call_task" {
            let all = try await reader.readingSnapshot { snapshot in try await snapshot.rows(of: table, after: nil, limit: 100) }
            let names = table.columns.map(\.name)
            for row in all {
                guard case .integer(let customer) = row[names.firstIndex(of: "customer_id")!],
                      case .text(let status) = row[names.firstIndex(of: "status")!], status != "cancelled" else { continue }
                rows.append("\(table.name == "letter_outbox" ? "letter" : "call") \(customer) \(status)")
            }
        }
        return rows.sorted()
    }

    @Test(arguments: StoreKind.allCases)
    func aCancelledRunStopsBetweenPartsAndResumes(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let plan = try await Self.save(ids.map { Self.letter($0) }, in: store)
        let run = try await store.openCampaignRun(plan: plan.id!, partSize: 2)
        let first = try #require(try await store.claimCampaignPart(of: run, worker: "a", lease: 60))
        try await store.cancelCampaignRun(run.id)
        #expect(try await store.claimCampaignPart(of: run, worker: "a", lease: 60) == nil, "a cancelled run hands out no part")
        // The part held when cancel came is still applied (it was claimed), and counted.
        _ = try await store.applyCampaignPart(first, limits: plan.limits, events: [], at: Self.madeAt)
        #expect(try await store.campaignRun(run.id)?.status == .cancelled)
        #expect(try await store.openCampaignRun(plan: plan.id!, partSize: 2).id == run.id, "an unfinished run is joined")
        let resumed = try await store.resumeCampaignRun(run.id)
        #expect(resumed.status == .running)
        let rest = try await Self.apply(plan, in: store)
        #expect(rest.applied == 3)
        let progress = try await store.campaignRunProgress(run.id)
        #expect(progress.run.status == .done && progress.partsDone == 3 && progress.outcome.applied == 5)
        #expect(try await store.resumeCampaignRun(run.id).status == .done, "a done run stays done")
        await #expect(throws: StoreError.noSuchRun(999)) { try await store.cancelCampaignRun(999) }
    }

    @Test(arguments: StoreKind.allCases)
    func aPartWhoseLeaseRanOutIsClaimedAgainAndAppliedOnce(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let plan = try await Self.save(ids.map { Self.letter($0) }, in: store)
        let run = try await store.openCampaignRun(plan: plan.id!, partSize: 5)
        let lost = try #require(try await store.claimCampaignPart(of: run, worker: "crashed", lease: 0.5))
        try await Task.sleep(for: .seconds(1))
        let taken = try #require(try await store.claimCampaignPart(of: run, worker: "b", lease: 60))
        #expect(taken.part == lost.part)
        _ = try await store.applyCampaignPart(taken, limits: plan.limits, events: [], at: Self.madeAt)
        // The first worker comes back late: its part is done, nothing is written twice.
        await #expect(throws: StoreError.campaignPartDone(run: run.id, part: 0)) {
            _ = try await store.applyCampaignPart(lost, limits: plan.limits, events: [], at: Self.madeAt)
        }
        #expect(try await store.campaignTallies(campaign: nil).outbox == 5)
    }

    @Test(arguments: StoreKind.allCases)
    func twoWorkersShareOneRunAndApplyEachActionOnce(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        var actions: [PlannedAction] = []
        for year in 2020...2029 {
            for id in ids {
                var letter = Self.letter(id)
                letter.occasion = "birthday:\(year)"
                actions.append(letter)
            }
        }
        let plan = try await Self.save(actions, in: store)
        async let a = Self.apply(plan, in: store, partSize: 3, worker: "a")
        async let b = Self.apply(plan, in: store, partSize: 3, worker: "b")
        let (first, second) = try await (a, b)
        #expect(first.applied + second.applied == 50 && first.alreadyDone + second.alreadyDone == 0)
        #expect(try await store.campaignRuns(plan: plan.id).count == 1, "both joined one run")
        let tallies = try await store.campaignTallies(campaign: nil)
        #expect(tallies.ledger == 50 && tallies.outbox == 50 && tallies.interactions == 50)
    }

    @Test(arguments: StoreKind.allCases)
    func twoCampaignsAtOnceShareOneStockAndOneEvent(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        func campaign(_ name: String) -> [PlannedAction] {
            ids.flatMap { id in
                var gift = Self.gift(id, item: "tea-set", cost: 1)
                var invitation = Self.invitation(id)
                gift.campaign = name
                invitation.campaign = name
                return [gift, invitation]
            }
        }
        let one = try await Self.save(campaign("spring"), in: store)
        let two = try await Self.save(campaign("autumn"), in: store)
        async let a = Self.apply(one, in: store, partSize: 1, worker: "a")
        async let b = Self.apply(two, in: store, partSize: 1, worker: "b")
        let (first, second) = try await (a, b)
        #expect(first.applied + second.applied == 3 + 2, "three tea sets and two seats, whoever came first")
        #expect(try await store.giftItems().first { $0.code == "tea-set" }?.stock == 0)
        let tallies = try await store.campaignTallies(campaign: nil)
        #expect(tallies.eventSeats["gala-2026"] == 2 && tallies.seats == 2 && tallies.ledger == 5)
    }

    @Test(arguments: StoreKind.allCases)
    func twoPlansOfOneCampaignAtOnceStayWithinItsBudget(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        // Two overlapping plans of one campaign (a wider window planned while the first one
        // applies), 100,000 a letter, 1,000,000 in all: ten letters at most, whoever is first.
        let limits = CampaignLimits(currency: "VND", total: 1_000_000)
        func letters(_ years: ClosedRange<Int>) -> [PlannedAction] {
            years.flatMap { year in
                ids.map { id in
                    var letter = Self.letter(id)
                    letter.occasion = "birthday:\(year)"
                    letter.cost = 100_000
                    return letter
                }
            }
        }
        let narrow = try await Self.save(letters(2020...2024), in: store, limits: limits)
        let wide = try await Self.save(letters(2022...2027), in: store, limits: limits)
        async let a = Self.apply(narrow, in: store, partSize: 2, worker: "a")
        async let b = Self.apply(wide, in: store, partSize: 2, worker: "b")
        let (first, second) = try await (a, b)
        #expect(first.applied + second.applied == 10 && first.cost + second.cost == 1_000_000)
        let tallies = try await store.campaignTallies(campaign: "birthday-gifts")
        #expect(tallies.ledger == 10 && tallies.ledgerCost == 1_000_000 && tallies.budgets["birthday-gifts/total"] == 1_000_000)
        #expect(tallies.outbox == 10)
    }
}
