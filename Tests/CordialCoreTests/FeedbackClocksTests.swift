import CordialCore
import Foundation
import Testing

/// A complaint's clocks read from its steps, against hand computations on the Vietnamese
/// desk of ``BusinessHoursTests`` (Mon–Fri 08:00–12:00 and 13:00–17:30, Sat 08:00–12:00).
@Suite struct FeedbackClocksTests {
    static let sla = FeedbackSLA(
        name: "urgent", kinds: [.complaint], severities: [.high], firstContact: .hours(1), resolution: .businessDays(2),
        callbackAfter: .calendarMinutes(1_440), callbackWithin: .calendarMinutes(2 * 1_440), definedAt: "test")
    static let local = BusinessHoursTests.local

    static func complaint(received: String) -> Feedback {
        Feedback(id: 7, customerID: CustomerID(1), channel: .phone, kind: .complaint, category: "baggage/delayed", severity: .high, text: "x",
                 receivedAt: local(received))
    }

    static func step(_ from: FeedbackStatus, _ to: FeedbackStatus, _ at: String) -> FeedbackEvent {
        FeedbackEvent(feedbackID: 7, at: local(at), actorID: 1, action: .status, from: from, to: to)
    }

    @Test func waitingOnTheCustomerPushesTheResolutionDeadline() {
        var item = Self.complaint(received: "2025-03-03 09:00")
        item.status = .agreed
        let events = [
            Self.step(.received, .acknowledged, "2025-03-03 09:40"), Self.step(.acknowledged, .investigating, "2025-03-03 10:00"),
            Self.step(.investigating, .solutionProposed, "2025-03-03 11:00"), Self.step(.solutionProposed, .agreed, "2025-03-04 10:00"),
        ]
        let clocks = FeedbackClocks.clocks(of: item, events: events, sla: Self.sla, hours: BusinessHoursTests.desk, at: Self.local("2025-03-05 12:00"))
        #expect(clocks.map(\.name) == [.firstContact, .resolution])
        #expect(clocks[0] == FeedbackClock(name: .firstContact, startedAt: Self.local("2025-03-03 09:00"), due: Self.local("2025-03-03 10:00"),
                                           stoppedAt: Self.local("2025-03-03 09:40"), state: .met))
        // Two business days from Monday 09:00 is Wednesday 09:00; the customer took 7.5 working
        // hours to choose (Mon 11–12, 13–17:30, Tue 8–10), so Wednesday 17:30.
        #expect(clocks[1].due == Self.local("2025-03-05 17:30") && clocks[1].state == .running && clocks[1].stoppedAt == nil)
        #expect(clocks[1].lateness(at: Self.local("2025-03-05 12:00")) == -5.5 * 3_600)

        // While the customer is choosing, the clock waits and its deadline moves with the wait.
        var waiting = item
        waiting.status = .solutionProposed
        let paused = FeedbackClocks.clocks(of: waiting, events: Array(events.prefix(3)), sla: Self.sla, hours: BusinessHoursTests.desk,
                                           at: Self.local("2025-03-03 15:00"))
        #expect(paused[1].state == .paused && paused[1].due == Self.local("2025-03-05 12:00"), "Mon 11–12 and 13–15 held: three working hours on")
    }

    @Test func aLateFirstContactAReopenedCaseAndTheCallback() {
        var item = Self.complaint(received: "2025-03-07 17:00")   // a Friday
        item.status = .acknowledged
        let late = FeedbackClocks.clocks(of: item, events: [Self.step(.received, .acknowledged, "2025-03-08 09:00")], sla: Self.sla,
                                         hours: BusinessHoursTests.desk, at: Self.local("2025-03-08 09:00"))
        #expect(late[0].due == Self.local("2025-03-08 08:30") && late[0].state == .breached, "half an hour Friday, half Saturday")

        // Resolved Thursday, reopened the same afternoon: the resolution clock runs again, past its deadline.
        var reopened = Self.complaint(received: "2025-03-03 09:00")
        reopened.status = .investigating
        let steps = [
            Self.step(.received, .acknowledged, "2025-03-03 09:30"), Self.step(.acknowledged, .investigating, "2025-03-03 10:00"),
            Self.step(.investigating, .solutionProposed, "2025-03-04 09:00"), Self.step(.solutionProposed, .agreed, "2025-03-04 09:00"),
            Self.step(.agreed, .resolved, "2025-03-06 10:00"), Self.step(.resolved, .investigating, "2025-03-06 15:00"),
        ]
        let clocks = FeedbackClocks.clocks(of: reopened, events: steps, sla: Self.sla, hours: BusinessHoursTests.desk, at: Self.local("2025-03-06 16:00"))
        #expect(clocks[1].due == Self.local("2025-03-05 09:00") && clocks[1].state == .breached && clocks[1].stoppedAt == nil)
        #expect(clocks.count == 2, "no callback while the case is open")

        // Resolved on time, called back the next day, a day after at the earliest: every clock met.
        var done = reopened
        done.status = .followedUp
        let resolvedSteps = Array(steps.prefix(4)) + [Self.step(.agreed, .resolved, "2025-03-04 16:00"), Self.step(.resolved, .followedUp, "2025-03-05 17:00")]
        let finished = FeedbackClocks.clocks(of: done, events: resolvedSteps, sla: Self.sla, hours: BusinessHoursTests.desk, at: Self.local("2025-03-07 09:00"))
        #expect(finished.map(\.state) == [.met, .met, .met])
        #expect(finished[1].stoppedAt == Self.local("2025-03-04 16:00"))
        #expect(finished[1].due == Self.local("2025-03-05 09:00"), "the time after it was resolved does not move the deadline")
        #expect(finished[2] == FeedbackClock(name: .callback, startedAt: Self.local("2025-03-04 16:00"), due: Self.local("2025-03-06 16:00"),
                                             stoppedAt: Self.local("2025-03-05 17:00"), state: .met))
        // Resolved and never called back: the callback is late two calendar days on.
        var uncalled = done
        uncalled.status = .resolved
        let missed = FeedbackClocks.clocks(of: uncalled, events: Array(resolvedSteps.prefix(5)), sla: Self.sla, hours: BusinessHoursTests.desk,
                                           at: Self.local("2025-03-07 09:00"))
        #expect(missed[2].state == .breached && missed[2].lateness(at: Self.local("2025-03-07 09:00")) == 17 * 3_600)
        // Called back an hour after it was solved: sooner than the day the standard asks for.
        let hasty = Array(steps.prefix(4)) + [Self.step(.agreed, .resolved, "2025-03-04 16:00"), Self.step(.resolved, .followedUp, "2025-03-04 17:00")]
        let soon = FeedbackClocks.clocks(of: done, events: hasty, sla: Self.sla, hours: BusinessHoursTests.desk, at: Self.local("2025-03-07 09:00"))
        #expect(soon[2].state == .breached && soon[2].stoppedAt == Self.local("2025-03-04 17:00"))
    }

    @Test func aStandardCoversItsKindsSeveritiesAndSegment() {
        let item = Self.complaint(received: "2025-03-03 09:00")
        #expect(Self.sla.covers(item, segmentLabel: nil))
        var low = item
        low.severity = .low
        #expect(!Self.sla.covers(low, segmentLabel: nil))
        var gold = Self.sla
        gold.segment = "value-tier"
        gold.label = "gold"
        #expect(gold.covers(item, segmentLabel: "gold") && !gold.covers(item, segmentLabel: "silver") && !gold.covers(item, segmentLabel: nil))
    }
}
