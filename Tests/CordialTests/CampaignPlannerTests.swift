import Cordial
import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost
import Testing

/// Planning and applying a care policy end to end, as an admin writes it: segments run, a
/// gift catalog imported, a plan made over a window and applied, exactly once.
@Suite final class CampaignPlannerTests {
    let folder: PluginFolder
    let stores = TemporaryStores()

    init() throws {
        folder = try PluginFolder()
    }

    static let plugin = """
        local cordial = require "cordial"
        local p = cordial.plugin { name = "care", version = "1.0.0", api = 1 }
        p:segment("tier", { labels = { "gold", "silver" } }, function(c) return c.tier end)
        p:frequency_cap { form = "gift", count = 1, days = 90 }
        p:approvals { without_approval = { cost = 500000 }, levels = { { role = "marketing-lead", cost = 1000000 }, { role = "director" } } }
        p:policy("birthday-gifts", {
          segment = "tier:gold", currency = "VND",
          budget = { total = 1000000, per_customer = 500000 },
          care = {
            { on = "birthday", lead_days = 7, gift = { catalog = "premium", max_cost = 400000, choose = function(c, items)
                if c.locale:sub(1, 2) == "zh" then return "tea-set" end
                return items[1].code
              end } },
            { on = "birthday", letter = "birthday" },
          },
        })
        p:policy("tet-letters", {
          segments = { "tier:gold", "tier:silver" },
          care = { { on = "holiday:lunar-new-year", lead_days = 5, letter = "tet" } },
        })
        p:policy("broken-choice", {
          segment = "tier:gold",
          care = { { on = "birthday", gift = { catalog = "premium", choose = function(c, items)
            if c.locale == "en" then error("no idea what to give") end
            return items[1].code
          end } } },
        })
        p:policy("missing-item", {
          segment = "tier:gold",
          care = { { on = "birthday", gift = { catalog = "premium", item = "golden-watch" } } },
        })
        p:policy("looping-choice", {
          segment = "tier:gold",
          care = { { on = "birthday", gift = { catalog = "premium", choose = function(c, items)
            while true do end
          end } } },
        })
        p:policy("wrong-choice", {
          segment = "tier:gold",
          care = { { on = "birthday", gift = { catalog = "premium", choose = function(c, items)
            if c.locale == "en" then
              return "golden-watch"
            end
            return items[1].code
          end } } },
        })
        return p
        """

    static let customers = [
        Customer(source: "crm", externalID: "1", name: PersonName(given: "Văn An", family: "Nguyễn"), birthday: Birthday(year: 1980, month: 3, day: 10),
                 locale: "vi-VN", tier: "gold"),
        Customer(source: "crm", externalID: "2", name: PersonName(given: "伟", family: "王"), birthday: Birthday(year: nil, month: 3, day: 12),
                 locale: "zh-CN", tier: "gold"),
        Customer(source: "crm", externalID: "3", name: PersonName(given: "Emily", family: "Carter"), birthday: Birthday(year: 1992, month: 2, day: 29),
                 locale: "en", tier: "gold"),
        Customer(source: "crm", externalID: "4", name: PersonName(given: "Văn Nam", family: "Phạm"), locale: "vi", tier: "silver"),
        Customer(source: "crm", externalID: "5", name: PersonName(given: "Bob", family: "Smith"), birthday: Birthday(year: 1970, month: 3, day: 15),
                 locale: "en"),
    ]

    /// A store with the five customers segmented and the premium catalog, and the plugins.
    func organisation() async throws -> (any Store, PluginRegistry) {
        try folder.plugin("care", [
            "plugin.lua": Self.plugin, "letters/birthday.en.mustache": "---\nsubject: Happy birthday\n---\nHappy birthday", "letters/tet.vi.mustache": "---\nsubject: Tết\n---\nChúc mừng năm mới",
        ])
        let registry = PluginRegistry(roots: [folder.root], loader: PluginLoader(chunkNameRoot: folder.root))
        let report = registry.reload()
        #expect(report.problems.isEmpty, "\(report.problems)")
        let store = try await stores.empty()
        _ = try await store.apply(ImportBatch(customers: Self.customers), dryRun: false)
        _ = try await SegmentRunner(
            store: store, plugins: registry.plugins, loader: registry.loader, at: CalendarDays.date(ofDay: CalendarDays.day(of: "2026-01-05")!),
            logger: Logger(label: "test")
        ).run()
        _ = try await store.importGiftItems([
            GiftItem(catalog: "premium", code: "scarf", name: "Khăn lụa", cost: Money(200_000, "VND"), stock: 10),
            GiftItem(catalog: "premium", code: "tea-set", name: "Bộ ấm trà", cost: Money(350_000, "VND"), stock: 10),
            GiftItem(catalog: "premium", code: "vase", name: "Bình gốm", cost: Money(500_000, "VND"), stock: 10),
        ])
        return (store, registry)
    }

    func planner(_ store: any Store, _ registry: PluginRegistry) -> CampaignPlanner {
        CampaignPlanner(store: store, plugins: registry.plugins, loader: registry.loader, logger: Logger(label: "test"))
    }

    static func window(_ from: String, _ to: String) -> ClosedRange<Int> { CalendarDays.day(of: from)!...CalendarDays.day(of: to)! }

    func id(_ store: any Store, _ external: String) async throws -> CustomerID {
        try #require(try await store.customer(source: "crm", externalID: external)?.id)
    }

    @Test func aBirthdayPlanHoldsEachGoldCustomersGiftAndLetterInTheWindow() async throws {
        let (store, registry) = try await organisation()
        let plan = try await planner(store, registry).plan("birthday-gifts", window: Self.window("2026-02-15", "2026-03-31"))
        let planID = try #require(plan.id)
        let actions = try await store.plannedActions(of: planID, seqs: 1...100)
        let an = try await id(store, "1"), wei = try await id(store, "2"), emily = try await id(store, "3")
        #expect(actions.map { "\($0.customerID.rawValue) \(CalendarDays.text(ofDay: $0.actionDay)) \($0.form.rawValue) \($0.giftItem ?? $0.template ?? "")" } == [
            "\(an.rawValue) 2026-03-03 gift scarf", "\(an.rawValue) 2026-03-10 letter birthday",
            "\(wei.rawValue) 2026-03-05 gift tea-set", "\(wei.rawValue) 2026-03-12 letter birthday",
            // 29 February is kept on 28 February in a common year.
            "\(emily.rawValue) 2026-02-21 gift scarf", "\(emily.rawValue) 2026-02-28 letter birthday",
        ])
        #expect(actions.map(\.seq) == Array(1...6))
        #expect(actions[0].key == "birthday-gifts/birthday:2026/\(an.rawValue)/gift" && actions[0].segment == "tier:gold")
        #expect(plan.summary.actions == 6 && plan.summary.customers == 3 && plan.summary.cost == 750_000)
        #expect(plan.summary.byForm["gift"] == CampaignPlanSummary.Tally(count: 3, cost: 750_000))
        #expect(plan.limits.total == 1_000_000 && plan.limits.caps == [CampaignLimits.Cap(forms: [.gift], count: 1, days: 90)])
        #expect(plan.fingerprint.hasPrefix("sha256:"))

        // The same policy over the same window and data plans the same actions.
        let again = try await planner(store, registry).plan("birthday-gifts", window: Self.window("2026-02-15", "2026-03-31"))
        #expect(again.fingerprint == plan.fingerprint && again.id != plan.id)
    }

    @Test func theNewYearLetterFollowsEachCustomersLocale() async throws {
        let (store, registry) = try await organisation()
        let plan = try await planner(store, registry).plan("tet-letters", window: Self.window("2026-01-01", "2026-12-31"))
        let actions = try await store.plannedActions(of: try #require(plan.id), seqs: 1...100)
        // Tết and the Spring Festival both fall on 17 February 2026; the English customer keeps
        // no lunar new year, and the customer without a label is not in the policy's segments.
        let expected = try await ["1", "2", "4"].asyncMap { try await self.id(store, $0).rawValue }
        #expect(actions.map(\.customerID.rawValue) == expected)
        #expect(actions.allSatisfy { $0.occasion == "holiday:lunar-new-year:2026" && CalendarDays.text(ofDay: $0.actionDay) == "2026-02-12" })
        #expect(plan.summary.bySegment == ["tier:gold": .init(count: 2, cost: 0), "tier:silver": .init(count: 1, cost: 0)])
    }

    @Test func applyingAPlanTwiceDoesEachActionOnce() async throws {
        let (store, registry) = try await organisation()
        let plan = try await planner(store, registry).plan("birthday-gifts", window: Self.window("2026-02-15", "2026-03-31"))
        var applier = CampaignApplier(store: store, events: registry.plugins.flatMap(\.registrations.events), worker: "test:1")
        applier.partSize = 4
        applier.approvals = registry.plugin(named: "care")?.registrations.approvals
        // Both plans cost more than the plugin's free threshold (approvals have their own test).
        _ = try await store.addStaff(Staff(name: "Giám đốc", role: "director"))
        let approver = PlanApprover(store: store, rules: applier.approvals)
        _ = try await approver.approve(plan.id!, by: "Giám đốc")
        let first = try await applier.apply(plan: plan.id!)
        #expect(first.outcome == CampaignApplyOutcome(applied: 6, cost: 750_000))
        #expect(first.run.status == .done && first.parts == 2)
        let stock = Dictionary(uniqueKeysWithValues: try await store.giftItems().map { ($0.code, $0.stock) })
        #expect(stock == ["scarf": 8, "tea-set": 9, "vase": 10])

        // Planned and applied again: every key is in the ledger.
        let replanned = try await planner(store, registry).plan("birthday-gifts", window: Self.window("2026-03-01", "2026-03-31"))
        _ = try await approver.approve(replanned.id!, by: "Giám đốc")
        let second = try await applier.apply(plan: replanned.id!)
        #expect(second.outcome == CampaignApplyOutcome(alreadyDone: 4))
        let tallies = try await store.campaignTallies(campaign: "birthday-gifts")
        #expect(tallies.ledger == 6 && tallies.outbox == 3 && tallies.interactions == 6 && tallies.budgets["birthday-gifts/total"] == 750_000)
    }

    @Test func aPlanAboveTheThresholdIsAppliedOnlyOnceApprovedInThatVersion() async throws {
        let (store, registry) = try await organisation()
        let rules = try #require(registry.plugin(named: "care")?.registrations.approvals)
        let approver = PlanApprover(store: store, rules: rules)
        var applier = CampaignApplier(store: store, events: [], worker: "test:1")
        applier.approvals = rules
        let lead = try await store.addStaff(Staff(name: "Lê Thu Hà", role: "marketing-lead"))
        let agent = try await store.addStaff(Staff(name: "Phạm Quốc Bảo", role: "care-agent"))

        // 750,000 đồng: above the free 500,000, within a marketing lead's 1,000,000.
        let plan = try await planner(store, registry).plan("birthday-gifts", window: Self.window("2026-02-15", "2026-03-31"))
        await #expect(throws: CampaignError.needsApproval(plan: plan.id!, cost: "750000 VND", customers: 3, roles: ["marketing-lead", "director"])) {
            _ = try await applier.apply(plan: plan.id!)
        }
        #expect(try await store.campaignRuns(plan: plan.id).isEmpty, "nothing was opened")
        await #expect(throws: CampaignError.notAllowed(plan: plan.id!, staff: agent.id!, role: "care-agent", roles: ["marketing-lead", "director"])) {
            _ = try await approver.approve(plan.id!, by: "Phạm Quốc Bảo")
        }
        await #expect(throws: CampaignError.noSuchStaff("Nobody")) { _ = try await approver.approve(plan.id!, by: "Nobody") }
        let approval = try await approver.approve(plan.id!, by: "\(lead.id!)")
        #expect(approval.by == "Lê Thu Hà" && approval.role == "marketing-lead" && approval.fingerprint == plan.fingerprint)

        // The same plan made again keeps its approval; a changed one needs approving again.
        let same = try await planner(store, registry).plan("birthday-gifts", window: Self.window("2026-02-15", "2026-03-31"))
        #expect(same.fingerprint == plan.fingerprint)
        _ = try await store.importGiftItems([GiftItem(catalog: "premium", code: "scarf", name: "Khăn lụa", cost: Money(210_000, "VND"), stock: 10)])
        let changed = try await planner(store, registry).plan("birthday-gifts", window: Self.window("2026-02-15", "2026-03-31"))
        #expect(changed.fingerprint != plan.fingerprint)
        await #expect(throws: CampaignError.self) { _ = try await applier.apply(plan: changed.id!) }
        // The plan keeps who may approve it: a process that did not load the levels refuses too.
        #expect(changed.summary.approvers == ["marketing-lead", "director"])
        let bare = CampaignApplier(store: store, events: [], worker: "test:2")
        await #expect(throws: CampaignError.self) { _ = try await bare.apply(plan: changed.id!) }
        #expect(try await applier.apply(plan: same.id!).outcome.applied == 6)
    }

    @Test func aChooseFunctionThatFailsFailsThePlanAtItsLineAndSavesNothing() async throws {
        let (store, registry) = try await organisation()
        await #expect {
            _ = try await self.planner(store, registry).plan("broken-choice", window: Self.window("2026-01-01", "2026-12-31"))
        } throws: { error in
            let description = "\(error)"
            return description.contains("care/plugin.lua:24") && description.contains("no idea what to give")
                && description.contains("on customer \(3)")
        }
        #expect(try await store.campaignPlans(campaign: nil).isEmpty)
    }

    /// An answer that is not an item of the catalog is reported at the `return` that gave it.
    @Test func aChoiceOutsideTheCatalogIsRefusedAtItsReturn() async throws {
        let (store, registry) = try await organisation()
        await #expect {
            _ = try await self.planner(store, registry).plan("wrong-choice", window: Self.window("2026-01-01", "2026-12-31"))
        } throws: { error in
            let description = "\(error)"
            return description.contains("care/plugin.lua:42") && description.contains("returned 'golden-watch', which is not an item of the catalog")
        }
        #expect(try await store.campaignPlans(campaign: nil).isEmpty)
    }

    @Test func aChooseFunctionThatNeverReturnsStopsAtItsTimeLimit() async throws {
        let (store, registry) = try await organisation()
        var planner = planner(store, registry)
        planner.limits = LuaLimits(memoryBytes: 16 << 20, timeSeconds: 0.5)
        await #expect {
            _ = try await planner.plan("looping-choice", window: Self.window("2026-01-01", "2026-12-31"))
        } throws: { error in
            let text = "\(error)"
            return text.contains("time limit of 0.5 s exceeded") && text.contains("care/plugin.lua:") && !text.contains("\n")
        }
        #expect(try await store.campaignPlans(campaign: nil).isEmpty)
    }

    @Test func aGiftItemTheCatalogLacksIsRefusedAtThePolicysLine() async throws {
        let (store, registry) = try await organisation()
        await #expect {
            _ = try await self.planner(store, registry).plan("missing-item", window: Self.window("2026-01-01", "2026-12-31"))
        } throws: { error in
            "\(error)" == "care/plugin.lua:28: policy 'missing-item': care[1]: no item 'golden-watch' in gift catalog 'premium' (known: scarf, tea-set, vase)"
        }
        await #expect {
            _ = try await self.planner(store, registry).plan("birthday-gift", window: Self.window("2026-01-01", "2026-12-31"))
        } throws: { error in
            "\(error)".contains("no policy 'birthday-gift' (known: birthday-gifts, broken-choice, looping-choice, missing-item, tet-letters, wrong-choice)")
        }
    }

    @Test func aRefusedChannelIsHeldBackInThePlan() async throws {
        let (store, registry) = try await organisation()
        let an = try await id(store, "1")
        _ = try await store.recordConsent([ConsentChange(customerID: an, channel: .email, granted: false)], source: "cli", at: Date())
        let plan = try await planner(store, registry).plan("birthday-gifts", window: Self.window("2026-02-15", "2026-03-31"))
        #expect(plan.summary.heldBack == ["no consent for email": 1] && plan.summary.actions == 5)
        let held = try await store.plannedActions(of: plan.id!, seqs: 1...10).filter { $0.heldBack != nil }
        #expect(held.map(\.customerID) == [an] && held.map(\.form) == [.letter], "the gift goes by post, which An did not refuse")
    }

    @Test func aForgottenCustomerIsNotPlanned() async throws {
        let (store, registry) = try await organisation()
        try await store.forget(try await id(store, "2"), reason: "request")
        let plan = try await planner(store, registry).plan("birthday-gifts", window: Self.window("2026-02-15", "2026-03-31"))
        #expect(plan.summary.customers == 2 && plan.summary.actions == 4)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
