import CordialCore
import CordialStore
import Foundation
import Testing

/// The contract of ``ConsentStore`` on every conformer: answers per customer and channel,
/// each change audited, all of a call's changes or none, and the ledger giving nothing on a
/// channel the customer refused after the plan was made.
@Suite final class ConsentStoreConformanceTests {
    private let conformers = Conformers()
    static let at = Date(timeIntervalSince1970: 1_780_000_000)

    @Test(arguments: StoreKind.allCases)
    func answersAreRecordedOnceEachWithAnAuditEntry(kind: StoreKind) async throws {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        let changes = [
            ConsentChange(customerID: ids[0], channel: .email, granted: false), ConsentChange(customerID: ids[0], channel: .sms, granted: true),
            ConsentChange(customerID: ids[2], channel: .post, granted: false),
        ]
        let first = try await store.recordConsent(changes, source: "import consent.csv", at: Self.at)
        #expect(first.changed == 3 && first.unchanged == 0)
        let again = try await store.recordConsent(changes, source: "import consent.csv", at: Self.at + 60)
        #expect(again.changed == 0 && again.unchanged == 3, "the same answers change nothing")

        let records = try await store.consent(of: ids[0])
        #expect(records == [
            ConsentRecord(customerID: ids[0], channel: .email, granted: false, changedAt: Self.at, source: "import consent.csv"),
            ConsentRecord(customerID: ids[0], channel: .sms, granted: true, changedAt: Self.at, source: "import consent.csv"),
        ])
        #expect(try await store.refusedChannels(of: ids) == [ids[0]: [.email], ids[2]: [.post]])

        // A change of mind is one more change, audited.
        _ = try await store.recordConsent([ConsentChange(customerID: ids[0], channel: .email, granted: true)], source: "cli", at: Self.at + 120)
        #expect(try await store.refusedChannels(of: [ids[0]]).isEmpty)
        let audit = try await store.auditLog().filter { $0.action == "consent" }
        #expect(audit.map(\.detail) == [
            "email refused (import consent.csv)", "sms granted (import consent.csv)", "post refused (import consent.csv)", "email granted (cli)",
        ])
        #expect(audit.map(\.subject) == ["customer \(ids[0])", "customer \(ids[0])", "customer \(ids[2])", "customer \(ids[0])"])

        // Pages for an export: whole customers, in id order.
        let page = try await store.consentRecords(after: nil, limit: 1)
        #expect(page.map(\.customerID) == [ids[0], ids[0]])
        let next = try await store.consentRecords(after: ids[0], limit: 10)
        #expect(next.map(\.customerID) == [ids[2]] && next[0].channel == .post)
        #expect(try await store.consentRecords(after: ids[2], limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func anUnknownOrForgottenCustomerRefusesTheWholeCall(kind: StoreKind) async throws {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        try await store.forget(ids[4], reason: "request #3")
        for stranger in [CustomerID(999), ids[4]] {
            await #expect(throws: StoreError.noSuchCustomer(stranger)) {
                _ = try await store.recordConsent(
                    [ConsentChange(customerID: ids[0], channel: .email, granted: false), ConsentChange(customerID: stranger, channel: .sms, granted: false)],
                    source: "import", at: Self.at)
            }
        }
        #expect(try await store.consent(of: ids[0]).isEmpty, "nothing was written")
        #expect(try await store.auditLog().filter { $0.action == "consent" }.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func aChannelRefusedAfterThePlanGetsNothingWhenApplied(kind: StoreKind) async throws {
        let (store, ids) = try await SegmentStoreConformanceTests.store(kind, from: conformers)
        _ = try await store.importGiftItems([GiftItem(catalog: "premium", code: "scarf", name: "Khăn", cost: Money(200_000, "VND"), stock: 10)])
        typealias Fixture = CampaignStoreConformanceTests
        let plan = try await Fixture.save([Fixture.letter(ids[0]), Fixture.gift(ids[0]), Fixture.letter(ids[1])], in: store)
        _ = try await store.recordConsent([ConsentChange(customerID: ids[0], channel: .email, granted: false)], source: "cli", at: Self.at)
        let outcome = try await Fixture.apply(plan, in: store)
        #expect(outcome.applied == 2 && outcome.skipped == ["no consent for email": 1], "the gift goes by post, which was not refused")
        #expect(try await store.campaignTallies(campaign: nil).outbox == 1)
    }
}
