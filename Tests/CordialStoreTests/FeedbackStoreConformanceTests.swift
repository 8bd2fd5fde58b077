import CordialCore
import CordialStore
import Foundation
import Testing

/// The contract of ``FeedbackStore`` on every conformer: cases added all or nothing and once
/// per (customer, source, external id), every step recorded with who and when, the workflow
/// enforced in the store, pages and filters, forgetting a customer's words.
@Suite final class FeedbackStoreConformanceTests {
    private let conformers = Conformers()
    static let at = Date(timeIntervalSince1970: 1_780_000_000)

    static func complaint(_ customer: CustomerID?, _ external: String?, category: String = "baggage/delayed", at: Date = at) -> Feedback {
        Feedback(
            customerID: customer, contact: customer == nil ? FeedbackContact(name: "Khách vãng lai", phone: "+84 90 000 0000") : nil,
            source: "desk", externalID: external, channel: .phone, kind: .complaint, category: category, severity: .high,
            text: "Hành lý của tôi đến trễ hai ngày", language: "vi", receivedAt: at)
    }

    /// An archive brought with its handling: the steps at their times, the case at the last,
    /// nothing queued for the hooks (it is not new); a history out of order refuses all.
    @Test(arguments: StoreKind.allCases)
    func anArchiveKeepsItsHandlingAndWakesNoHook(kind: StoreKind) async throws {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        let hour: TimeInterval = 3_600
        let archived = [
            FeedbackArchiveStep(.acknowledged, at: Self.at + hour / 2), FeedbackArchiveStep(.resolved, at: Self.at + 30 * hour),
            FeedbackArchiveStep(.closed, at: Self.at + 80 * hour),
        ]
        let wrongOrder = [FeedbackArchiveStep(.resolved, at: Self.at + hour), FeedbackArchiveStep(.acknowledged, at: Self.at + 2 * hour)]
        await #expect(throws: StoreError.invalidFeedback("item 2: acknowledged comes after the steps before it in the workflow, not before")) {
            try await store.addFeedback(
                [Self.complaint(ids[0], "A-1"), Self.complaint(ids[1], "A-2")], history: [archived, wrongOrder], by: nil, at: Self.at + 100 * hour)
        }
        #expect(try await store.countFeedback(FeedbackQuery()) == 0, "nothing written")
        let before = [FeedbackArchiveStep(.acknowledged, at: Self.at - hour)]
        await #expect(throws: StoreError.invalidFeedback("acknowledged is dated before the step before it")) {
            try await store.addFeedback([Self.complaint(ids[0], "A-1")], history: [before], by: nil, at: Self.at)
        }

        let added = try await store.addFeedback(
            [Self.complaint(ids[0], "A-1"), Self.complaint(ids[1], "A-2")], history: [archived, []], by: nil, at: Self.at + 100 * hour).added
        #expect(added[0].status == .closed && added[0].updatedAt == Self.at + 80 * hour)
        #expect(try await store.feedback(added[0].id!)?.status == .closed)
        let steps = try await store.feedbackEvents(of: added[0].id!)
        #expect(steps.map(\.action) == [.received, .status, .status, .status])
        #expect(steps.compactMap(\.to) == [.received, .acknowledged, .resolved, .closed])
        #expect(steps.compactMap(\.from) == [.received, .acknowledged, .resolved] && steps.map(\.at) == [Self.at] + archived.map(\.at))
        // Only the case without a history is new: its received step waits for the hooks.
        #expect(try await store.queuedFeedbackEvents(limit: 10).map(\.feedbackID) == [added[1].id!])
    }

    @Test(arguments: StoreKind.allCases)
    func casesAreAddedOnceEachAllOrNothing(kind: StoreKind) async throws {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        var compliment = Self.complaint(ids[1], "F-2", category: "staff/attitude")
        compliment.kind = .compliment
        compliment.csat = 5
        let items = [Self.complaint(ids[0], "F-1"), compliment, Self.complaint(nil, "F-3", category: "check-in")]
        let first = try await store.addFeedback(items, at: Self.at)
        #expect(first.added.count == 3 && first.present == 0)
        #expect(first.added.allSatisfy { $0.id != nil && $0.version == 1 && $0.status == .received })
        let again = try await store.addFeedback(items, at: Self.at + 60)
        #expect(again.added.isEmpty && again.present == 3, "an import read twice adds nothing")
        let sameTicket = try await store.addFeedback([Self.complaint(ids[2], "F-1")], at: Self.at)
        #expect(sameTicket.added.isEmpty && sameTicket.present == 1, "a source's id is one case, whoever it is about")

        let stored = try #require(try await store.feedback(first.added[2].id!))
        #expect(stored == first.added[2])
        #expect(stored.customerID == nil && stored.contact == FeedbackContact(name: "Khách vãng lai", phone: "+84 90 000 0000"))
        #expect(try await store.feedback(first.added[1].id!)?.csat == 5)
        #expect(try await store.feedbackEvents(of: first.added[0].id!).map(\.unnumbered) == [
            FeedbackEvent(feedbackID: first.added[0].id!, at: Self.at, actorID: nil, action: .received, to: .received),
        ])

        // One unknown customer, or one bad value, refuses the whole batch.
        let unknown = await #expect(throws: StoreError.self) {
            try await store.addFeedback([Self.complaint(ids[0], "F-4"), Self.complaint(CustomerID(999_999), "F-5")], at: Self.at)
        }
        #expect(unknown == .noSuchCustomer(CustomerID(999_999)))
        var bad = Self.complaint(ids[0], "F-6")
        bad.nps = 11
        let invalid = await #expect(throws: StoreError.self) { try await store.addFeedback([Self.complaint(ids[0], "F-7"), bad], at: Self.at) }
        #expect(invalid == .invalidFeedback("item 2: nps must be 0 to 10"))
        #expect(try await store.countFeedback(FeedbackQuery()) == 3, "nothing of a refused batch is written")
    }

    @Test(arguments: StoreKind.allCases)
    func theWorkflowIsEnforcedAndEveryStepRecorded(kind: StoreKind) async throws {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        let agent = try await store.addStaff(Staff(name: "Lê Thu Hà", role: "agent"))
        let supervisor = try await store.addStaff(Staff(name: "Trần Minh", role: "supervisor"))
        let id = try #require(try await store.addFeedback([Self.complaint(ids[0], "F-1")], by: agent.id, at: Self.at).added.first?.id)
        #expect(try await store.feedbackEvents(of: id).first?.actorID == agent.id, "who took the case in is named")
        await #expect(throws: StoreError.noSuchStaff(404)) { try await store.addFeedback([Self.complaint(ids[0], "F-X")], by: 404, at: Self.at) }

        // A complaint cannot skip a step; the refusal names the steps it may take.
        let skip = await #expect(throws: StoreError.self) {
            try await store.changeFeedback(id, .status(.resolved), by: agent.id, note: nil, at: Self.at + 60, expectedVersion: nil)
        }
        #expect(skip == .illegalFeedbackTransition(id, from: .received, to: .resolved, allowed: [.acknowledged]))
        #expect(skip?.errorDescription == "FB-\(id) is received and cannot become resolved; from received it may become acknowledged")

        var minute = 1.0
        for status in [FeedbackStatus.acknowledged, .investigating, .solutionProposed, .agreed, .resolved, .followedUp, .closed] {
            let changed = try await store.changeFeedback(id, .status(status), by: agent.id, note: "step \(status.rawValue)", at: Self.at + 60 * minute, expectedVersion: nil)
            #expect(changed.status == status)
            minute += 1
        }
        // Reopened: a problem found after closing is a problem again.
        let reopened = try await store.changeFeedback(id, .status(.investigating), by: supervisor.id, note: "called back", at: Self.at + 600, expectedVersion: 8)
        #expect(reopened.status == .investigating && reopened.version == 9)
        let stale = await #expect(throws: StoreError.self) {
            try await store.changeFeedback(id, .note, by: agent.id, note: "late", at: Self.at + 660, expectedVersion: 8)
        }
        #expect(stale == .staleFeedback(id, expected: 8, found: 9))

        let assigned = try await store.changeFeedback(id, .assign(ownerID: supervisor.id!, team: "baggage"), by: agent.id, note: nil, at: Self.at + 720, expectedVersion: nil)
        #expect(assigned.ownerID == supervisor.id && assigned.team == "baggage")
        let unknownStaff = await #expect(throws: StoreError.self) {
            try await store.changeFeedback(id, .assign(ownerID: 404, team: nil), by: agent.id, note: nil, at: Self.at + 780, expectedVersion: nil)
        }
        #expect(unknownStaff == .noSuchStaff(404))
        let rated = try await store.changeFeedback(id, .satisfaction(csat: 4, nps: 9), by: agent.id, note: nil, at: Self.at + 840, expectedVersion: nil)
        #expect(rated.csat == 4 && rated.nps == 9)
        let filed = try await store.changeFeedback(id, .classify(category: "baggage/lost", severity: .critical), by: agent.id, note: "found in Hà Nội",
                                                   at: Self.at + 850, expectedVersion: nil)
        #expect(filed.category == "baggage/lost" && filed.severity == .critical && filed.version == 12)
        #expect(try await store.feedback(id)?.category == "baggage/lost")
        let same = await #expect(throws: StoreError.self) {
            try await store.changeFeedback(id, .classify(category: "baggage/lost", severity: nil), by: agent.id, note: nil, at: Self.at, expectedVersion: nil)
        }
        #expect(same == .invalidFeedback("the case is filed so already"))
        let voucher = FeedbackCompensation(form: "voucher", amount: Money(Decimal(string: "1250000.50")!, "VND"))
        #expect(try await store.changeFeedback(id, .compensate(voucher), by: supervisor.id, note: "for the wait", at: Self.at + 870, expectedVersion: 12).version == 13)
        let nothing = await #expect(throws: StoreError.self) {
            try await store.changeFeedback(id, .compensate(FeedbackCompensation(form: "voucher", amount: Money(0, "VND"))), by: agent.id, note: nil, at: Self.at, expectedVersion: nil)
        }
        #expect(nothing == .invalidFeedback("a compensation must be a positive amount"))
        let noNote = await #expect(throws: StoreError.self) {
            try await store.changeFeedback(id, .note, by: agent.id, note: "  ", at: Self.at + 900, expectedVersion: nil)
        }
        #expect(noNote == .invalidFeedback("a note needs text"))
        await #expect(throws: StoreError.noSuchFeedback(404)) {
            try await store.changeFeedback(404, .note, by: agent.id, note: "x", at: Self.at, expectedVersion: nil)
        }

        let events = try await store.feedbackEvents(of: id)
        #expect(events.map(\.action) == [.received] + Array(repeating: .status, count: 8) + [.assigned, .note, .classified, .compensation])
        #expect(events[11].note == "category baggage/delayed → baggage/lost, severity high → critical: found in Hà Nội")
        #expect(events.last?.compensation == FeedbackCompensation(form: "voucher", amount: Money(Decimal(string: "1250000.50")!, "VND")))
        #expect(events.last?.note == "for the wait" && events.last?.actorID == supervisor.id)
        #expect(events.allSatisfy { $0.id != nil && $0.hook == nil })
        #expect(events[1].unnumbered == FeedbackEvent(feedbackID: id, at: Self.at + 60, actorID: agent.id, action: .status, from: .received, to: .acknowledged, note: "step acknowledged"))
        #expect(events[8].from == .closed && events[8].to == .investigating && events[8].actorID == supervisor.id)
        #expect(events[9].note == "owner \(supervisor.id!), team baggage")
        #expect(events[10].note == "csat 4, nps 9")
        let final = try #require(try await store.feedback(id))
        #expect(final.version == 13 && final.updatedAt == Self.at + 870)
    }

    @Test(arguments: StoreKind.allCases)
    func listsFilterAndPageNewestFirst(kind: StoreKind) async throws {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        var items: [Feedback] = []
        for number in 0..<7 {
            var item = Self.complaint(ids[number % 2], "F-\(number)", category: ["baggage/delayed", "baggage", "check-in", "baggage-fees"][number % 4],
                                      at: Self.at + Double(number) * 3_600)
            if number == 6 { item.kind = .question }
            items.append(item)
        }
        let added = try await store.addFeedback(items, at: Self.at).added
        let agent = try await store.addStaff(Staff(name: "Hà", role: "agent"))
        _ = try await store.changeFeedback(added[0].id!, .status(.acknowledged), by: agent.id, note: nil, at: Self.at, expectedVersion: nil)
        _ = try await store.changeFeedback(added[1].id!, .assign(ownerID: agent.id!, team: nil), by: agent.id, note: nil, at: Self.at, expectedVersion: nil)

        #expect(try await store.feedbackList(FeedbackQuery()).map(\.externalID) == ["F-6", "F-5", "F-4", "F-3", "F-2", "F-1", "F-0"])
        let page = try await store.feedbackList(FeedbackQuery(limit: 3))
        #expect(try await store.feedbackList(FeedbackQuery(before: page.last!.id, limit: 3)).map(\.externalID) == ["F-3", "F-2", "F-1"])
        // `baggage` is the category and those under it, not `baggage-fees`.
        #expect(try await store.feedbackList(FeedbackQuery(category: "baggage")).map(\.externalID) == ["F-5", "F-4", "F-1", "F-0"])
        #expect(try await store.feedbackList(FeedbackQuery(statuses: [.acknowledged])).map(\.externalID) == ["F-0"])
        #expect(try await store.feedbackList(FeedbackQuery(kind: .question)).map(\.externalID) == ["F-6"])
        #expect(try await store.feedbackList(FeedbackQuery(customer: ids[1])).map(\.externalID) == ["F-5", "F-3", "F-1"])
        #expect(try await store.feedbackList(FeedbackQuery(ownerID: agent.id)).map(\.externalID) == ["F-1"])
        var unowned = FeedbackQuery()
        unowned.unassigned = true
        #expect(try await store.countFeedback(unowned) == 6)
        var severe = FeedbackQuery()
        severe.severities = [.high]
        #expect(try await store.countFeedback(severe) == 7)
        severe.severities = [.low, .medium]
        #expect(try await store.countFeedback(severe) == 0)
        var team = FeedbackQuery()
        team.team = "baggage"
        #expect(try await store.countFeedback(team) == 0)
        let window = FeedbackQuery(receivedFrom: Self.at + 3_600, receivedBefore: Self.at + 3 * 3_600)
        #expect(try await store.feedbackList(window).map(\.externalID) == ["F-2", "F-1"])
        #expect(try await store.countFeedback(window) == 2)
        #expect(try await store.countFeedback(FeedbackQuery(statuses: FeedbackQuery.openStatuses, limit: 1)) == 7)
    }

    @Test(arguments: StoreKind.allCases)
    func forgettingACustomerErasesTheirWordsAndKeepsTheCause(kind: StoreKind) async throws {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        let agent = try await store.addStaff(Staff(name: "Hà", role: "agent"))
        let added = try await store.addFeedback([Self.complaint(ids[0], "F-1"), Self.complaint(ids[1], "F-2")], at: Self.at).added
        _ = try await store.changeFeedback(added[0].id!, .note, by: agent.id, note: "Khách gọi lại từ số 090…", at: Self.at + 60, expectedVersion: nil)
        try await store.forget(ids[0], reason: "request 17")
        let forgotten = try #require(try await store.feedback(added[0].id!))
        #expect(forgotten.text == Feedback.forgottenText && forgotten.contact == nil && forgotten.language == nil)
        #expect(forgotten.category == "baggage/delayed" && forgotten.kind == .complaint && forgotten.status == .received)
        #expect(try await store.feedbackEvents(of: added[0].id!).allSatisfy { $0.note == nil })
        let noted = await #expect(throws: StoreError.self) {
            try await store.changeFeedback(added[0].id!, .note, by: agent.id, note: "she called again", at: Self.at + 120, expectedVersion: nil)
        }
        #expect(noted == .invalidFeedback("the customer was forgotten: their cases take no notes (a note may name them again)"))
        #expect(try await store.changeFeedback(added[0].id!, .status(.acknowledged), by: agent.id, note: nil, at: Self.at + 120, expectedVersion: nil).status
            == .acknowledged, "the case is still handled")
        #expect(try await store.feedback(added[1].id!)?.text == "Hành lý của tôi đến trễ hai ngày", "another customer's feedback is theirs")
        await #expect(throws: StoreError.noSuchCustomer(ids[0])) {
            try await store.addFeedback([Self.complaint(ids[0], "F-3")], at: Self.at)
        }
    }
}

extension FeedbackEvent {
    /// The step without its store id, to compare with one written by hand.
    var unnumbered: FeedbackEvent {
        var event = self
        event.id = nil
        return event
    }
}
