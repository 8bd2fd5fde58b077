import CordialCore
import CordialStore
import Foundation
import Testing

/// The contract of ``OutboxStore`` on every conformer: a letter is claimed (committed as
/// `sending`, its attempt started) before it is handed to anyone; each attempt ends recorded;
/// a letter whose process stopped mid-hand-over becomes `uncertain` and is never claimed again
/// until a person decides; two claimers never take the same letter.
@Suite final class OutboxStoreConformanceTests {
    private let conformers = Conformers()
    typealias Fixture = CampaignStoreConformanceTests
    static let now = Fixture.madeAt + 7_200

    /// Letters for customers 1…4 applied, plus a post letter for customer 5.
    func store(_ kind: StoreKind) async throws -> (any Store, [CustomerID]) {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        var post = Fixture.letter(ids[4])
        post.channel = .post
        let plan = try await Fixture.save(ids[0..<4].map { Fixture.letter($0) } + [post], in: store)
        try await Fixture.apply(plan, in: store)
        return (store, ids)
    }

    @Test(arguments: StoreKind.allCases)
    func aClaimedLetterIsSendingUntilItsAttemptEnds(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        #expect(try await store.outboxCounts() == [.pending: 5])
        let claimed = try await store.claimLetters(channels: [.email], limit: 3, now: Self.now, lease: 60)
        #expect(claimed.map(\.customerID) == Array(ids[0..<3]) && claimed.allSatisfy { $0.status == .sending && $0.attempts == 1 })
        #expect(try await store.outboxLetter(claimed[0].id)?.leaseUntil == Self.now + 60)
        #expect(try await store.claimLetters(channels: [.email], limit: 10, now: Self.now, lease: 60).map(\.customerID) == [ids[3]],
                "a claimed letter is not claimed again")

        #expect(try await store.finishLetter(claimed[0].id, attempt: 1, outcome: .sent(messageID: "<a@x>"), at: Self.now + 1))
        try await store.finishLetter(claimed[1].id, attempt: 1, outcome: .retry(reason: "421 try later", next: Self.now + 300), at: Self.now + 2)
        try await store.finishLetter(claimed[2].id, attempt: 1, outcome: .failed(reason: "550 no such mailbox"), at: Self.now + 3)
        let sent = try #require(try await store.outboxLetter(claimed[0].id))
        #expect(sent.status == .sent && sent.sentAt == Self.now + 1 && sent.messageID == "<a@x>" && sent.leaseUntil == nil)
        #expect(try await store.letterAttempts(of: claimed[1].id) == [
            LetterAttempt(letter: claimed[1].id, number: 1, startedAt: Self.now, endedAt: Self.now + 2, outcome: "retry", detail: "421 try later"),
        ])
        // A retry is due at its time, not before; its second attempt is numbered 2.
        #expect(try await store.claimLetters(channels: [.email], limit: 10, now: Self.now + 299, lease: 60).isEmpty)
        let again = try await store.claimLetters(channels: [.email], limit: 10, now: Self.now + 300, lease: 60)
        #expect(again.map(\.id) == [claimed[1].id] && again[0].attempts == 2)
        // The post letter is claimed only by a claimer of post letters.
        let post = try await store.claimLetters(channels: [.post], limit: 10, now: Self.now, lease: 60)
        #expect(post.map(\.customerID) == [ids[4]])
        try await store.finishLetter(post[0].id, attempt: 1, outcome: .written(file: "outbox/post/1.txt"), at: Self.now)
        #expect(try await store.outboxCounts() == [.sent: 1, .failed: 1, .sending: 2, .written: 1])
        #expect(try await store.outboxLetters(status: .failed, after: nil, limit: 10).map(\.lastError) == ["550 no such mailbox"])
    }

    @Test(arguments: StoreKind.allCases)
    func aLetterWhoseLeaseEndedIsUncertainAndWaitsForAPerson(kind: StoreKind) async throws {
        let (store, _) = try await store(kind)
        let claimed = try await store.claimLetters(channels: [.email], limit: 2, now: Self.now, lease: 60)
        #expect(try await store.markUncertainLetters(now: Self.now + 59) == 0, "the lease still runs")
        #expect(try await store.markUncertainLetters(now: Self.now + 61) == 2)
        let letter = try #require(try await store.outboxLetter(claimed[0].id))
        #expect(letter.status == .uncertain && letter.lastError?.contains("may have been delivered") == true)
        #expect(try await store.letterAttempts(of: letter.id).map(\.outcome) == ["uncertain"])
        #expect(try await store.claimLetters(channels: [.email], limit: 10, now: Self.now + 3_600, lease: 60).count == 2,
                "only the two letters never claimed: an uncertain one is never claimed on its own")

        try await store.resolveUncertainLetter(claimed[0].id, sent: true, by: "Lê Thu Hà", at: Self.now + 100)
        try await store.resolveUncertainLetter(claimed[1].id, sent: false, by: "Lê Thu Hà", at: Self.now + 100)
        #expect(try await store.outboxLetter(claimed[0].id)?.status == .sent)
        let resent = try await store.claimLetters(channels: [.email], limit: 10, now: Self.now + 200, lease: 60)
        #expect(resent.map(\.id) == [claimed[1].id] && resent[0].attempts == 2, "sent again once a person said so")
        await #expect(throws: StoreError.letterNotUncertain(claimed[0].id, status: "sent")) {
            try await store.resolveUncertainLetter(claimed[0].id, sent: false, by: "x", at: Self.now)
        }
        await #expect(throws: StoreError.noSuchLetter(999)) { try await store.resolveUncertainLetter(999, sent: true, by: "x", at: Self.now) }
        let audit = try await store.auditLog().filter { $0.action == "letter" }
        #expect(audit.map(\.detail) == ["an uncertain delivery marked delivered by Lê Thu Hà", "an uncertain delivery to be sent again, by Lê Thu Hà"])
    }

    @Test(arguments: StoreKind.allCases)
    func aCancelledLetterKeepsItsStatusWhenItsAttemptEnds(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let claimed = try await store.claimLetters(channels: [.email], limit: 1, now: Self.now, lease: 60)
        try await store.forget(ids[0], reason: "request")  // cancels pending letters only
        #expect(try await store.outboxLetter(claimed[0].id)?.status == .sending)
        #expect(try await store.outboxLetters(status: .cancelled, after: nil, limit: 10).isEmpty, "a letter being handed over is not taken back")
        try await store.forget(ids[1], reason: "request")
        #expect(try await store.outboxLetters(status: .cancelled, after: nil, limit: 10).map(\.customerID) == [ids[1]])
        #expect(try await store.claimLetters(channels: [.email], limit: 10, now: Self.now, lease: 60).map(\.customerID) == [ids[2], ids[3]])
    }

    @Test(arguments: StoreKind.allCases)
    func twoClaimersNeverTakeTheSameLetter(kind: StoreKind) async throws {
        let (store, _) = try await store(kind)
        async let first = store.claimLetters(channels: [.email], limit: 2, now: Self.now, lease: 60)
        async let second = store.claimLetters(channels: [.email], limit: 2, now: Self.now, lease: 60)
        let (a, b) = try await (first, second)
        #expect(Set(a.map(\.id)).isDisjoint(with: b.map(\.id)) && a.count + b.count == 4)
    }
}
