import CordialCore
import CordialStore
import Foundation
import Testing

/// The contract of ``FeedbackHookStore`` on every conformer: every step staff and imports
/// record is queued in its own transaction, steps hooks make are not; a delivery is written
/// once per (plugin, key) with the changes its hook asked for, all or nothing; forgetting a
/// customer clears what hooks wrote about them.
@Suite final class FeedbackHookStoreConformanceTests {
    private let conformers = Conformers()
    static let at = FeedbackStoreConformanceTests.at

    @Test(arguments: StoreKind.allCases)
    func stepsAreQueuedAndADeliveryIsWrittenOnceWithItsChanges(kind: StoreKind) async throws {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        let agent = try await store.addStaff(Staff(name: "Lê Thu Hà", role: "agent"))
        let added = try await store.addFeedback([FeedbackStoreConformanceTests.complaint(ids[0], "F-1"), FeedbackStoreConformanceTests.complaint(nil, "F-2")], at: Self.at)
        let id = added.added[0].id!
        _ = try await store.changeFeedback(id, .status(.acknowledged), by: agent.id, note: nil, at: Self.at + 60, expectedVersion: nil)

        let queued = try await store.queuedFeedbackEvents(limit: 10)
        #expect(queued.map(\.action) == [.received, .received, .status], "every step staff and imports record waits for the hooks, oldest first")
        #expect(queued.map(\.feedbackID) == [id, added.added[1].id!, id])
        #expect(queued.allSatisfy { $0.id != nil })
        #expect(try await store.queuedFeedbackEvents(limit: 1).count == 1)

        let delivery = FeedbackHookDelivery(
            plugin: "desk", key: FeedbackHookDelivery.key(event: queued[0].id!), hook: "feedback.created", feedbackID: id, customerID: ids[0],
            at: Self.at + 120, outcome: .done, message: "assigned")
        let changes = [FeedbackHookChange(.assign(ownerID: nil, team: "supervisors"), note: "high severity"), FeedbackHookChange(.note, note: "routed")]
        #expect(try await store.recordFeedbackHook(delivery, changes: changes))
        var again = delivery
        again.message = "a second process"
        #expect(try await store.recordFeedbackHook(again, changes: changes) == false, "a key is delivered once")
        let routed = try #require(try await store.feedback(id))
        #expect(routed.team == "supervisors" && routed.ownerID == nil && routed.version == 4, "the changes were written once")
        let events = try await store.feedbackEvents(of: id)
        #expect(events.suffix(2).map(\.hook) == ["desk", "desk"] && events.suffix(2).map(\.action) == [.assigned, .note])
        #expect(events.suffix(2).allSatisfy { $0.actorID == nil })
        #expect(try await store.queuedFeedbackEvents(limit: 10).count == 3, "steps hooks make are not queued: hooks cannot set each other off")

        // A change the case no longer allows refuses the whole delivery: nothing is written.
        let illegal = FeedbackHookDelivery(
            plugin: "desk", key: FeedbackHookDelivery.key(event: queued[2].id!), hook: "feedback.updated", feedbackID: id, customerID: ids[0],
            at: Self.at + 180, outcome: .done)
        await #expect(throws: StoreError.self) {
            try await store.recordFeedbackHook(illegal, changes: [FeedbackHookChange(.note, note: "first"), FeedbackHookChange(.status(.closed))])
        }
        #expect(try await store.feedbackEvents(of: id).count == events.count, "the note before the refused step was rolled back")
        #expect(try await store.feedbackHookDeliveries(FeedbackHookQuery(feedbackIDs: [id])).map(\.key) == [delivery.key], "and so was the delivery")
        // A failed delivery is recorded without its changes.
        var failed = illegal
        failed.outcome = .failed
        failed.message = "plugins/desk/plugin.lua:9: boom"
        #expect(try await store.recordFeedbackHook(failed, changes: [FeedbackHookChange(.note, note: "never")]))
        #expect(try await store.feedbackEvents(of: id).count == events.count)
        #expect(try await store.feedbackHookDeliveries(FeedbackHookQuery(failedOnly: true)).map(\.message) == ["plugins/desk/plugin.lua:9: boom"])

        // Recovery: pending until applied.
        var recovering = FeedbackHookDelivery(
            plugin: "desk", key: FeedbackHookDelivery.key(breach: "resolution"), hook: "feedback.breached", feedbackID: id, customerID: ids[0],
            at: Self.at + 240, outcome: .done, recovery: .pending, recoveryPlanID: 7)
        #expect(try await store.recordFeedbackHook(recovering, changes: []))
        #expect(try await store.feedbackHookDeliveries(FeedbackHookQuery(recoveryPending: true)).map(\.key) == ["breach:resolution"])
        try await store.setFeedbackHookRecovery(recovering, recovery: .applied, planID: 7, message: nil)
        #expect(try await store.feedbackHookDeliveries(FeedbackHookQuery(recoveryPending: true)).isEmpty)
        recovering.recovery = .applied
        #expect(try await store.feedbackHookDeliveries(FeedbackHookQuery(feedbackIDs: [id])).last == recovering)

        try await store.dequeueFeedbackEvents(queued.prefix(2).compactMap(\.id))
        #expect(try await store.queuedFeedbackEvents(limit: 10).map(\.id) == [queued[2].id])

        // Forgetting the customer clears what plugins wrote about them.
        try await store.forget(ids[0], reason: "request")
        #expect(try await store.feedbackHookDeliveries(FeedbackHookQuery(feedbackIDs: [id])).allSatisfy { $0.message == nil })
    }
}
