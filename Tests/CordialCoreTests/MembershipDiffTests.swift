import CordialCore
import Foundation
import Testing

/// The membership diff every backend materializes runs with.
@Suite struct MembershipDiffTests {
    func diff(current: [(Int64, Int64, String)], customers: [Int64], labels: [String?]) -> MembershipDiff {
        var members = current.map { MembershipDiff.Member(row: $0.0, customer: CustomerID($0.1), label: $0.2) }.makeIterator()
        let outcome = SegmentOutcome(
            segment: "s", plugin: "p", pluginVersion: "1.0.0", at: Date(), customers: customers.map { CustomerID($0) }, labels: labels)
        return MembershipDiff(outcome) { members.next() }
    }

    @Test func unchangedChangedNewAndGoneMembers() {
        let diff = diff(
            current: [(10, 1, "a"), (11, 2, "a"), (12, 4, "b"), (13, 6, "b")],
            customers: [1, 2, 3, 4, 5], labels: ["a", "b", "c", nil, nil])
        #expect(diff.unchanged == 1)  // 1 keeps a
        #expect(diff.leaving == [11, 12, 13])  // 2 changed, 4 has no label, 6 was not classified
        #expect(diff.entering.map(\.customer.rawValue) == [2, 3])
        #expect(diff.entering.map(\.label) == ["b", "c"])
        #expect(diff.counts == ["a": 1, "b": 1, "c": 1])
    }

    @Test func aFirstRunEntersEveryLabelledCustomer() {
        let diff = diff(current: [], customers: [1, 2, 3], labels: ["a", nil, "a"])
        #expect(diff.leaving.isEmpty && diff.unchanged == 0)
        #expect(diff.entering.map(\.customer.rawValue) == [1, 3])
    }

    @Test func anEmptyRunEndsEveryStay() {
        let diff = diff(current: [(1, 5, "a"), (2, 7, "b")], customers: [], labels: [])
        #expect(diff.leaving == [1, 2] && diff.entering.isEmpty && diff.counts.isEmpty)
    }
}

/// Purchase rows merged into the per-day histories the value models read.
@Suite struct PurchaseDaysBuilderTests {
    @Test func purchasesOfOneDayAreOneTransaction() {
        var builder = PurchaseDaysBuilder()
        var done: [PurchaseDays] = []
        for (customer, day, amount) in [(1, 10, 2.5), (1, 10, 1.5), (1, 12, 3.0), (2, 5, 7.0), (3, 1, 1.0), (3, 2, 1.0)] {
            if let history = builder.add(customer: CustomerID(Int64(customer)), day: day, amount: amount) { done.append(history) }
        }
        if let last = builder.finish() { done.append(last) }
        #expect(builder.finish() == nil)
        #expect(done.map(\.customer.rawValue) == [1, 2, 3])
        #expect(done[0] == PurchaseDays(customer: CustomerID(1), days: [10, 12], amounts: [4, 3], purchaseCount: 3))
        #expect(done[1].days == [5] && done[1].purchaseCount == 1)
        #expect(done[2].days == [1, 2] && done[2].amounts == [1, 1])
    }

    @Test func nothingAddedGivesNothing() {
        var builder = PurchaseDaysBuilder()
        #expect(builder.finish() == nil)
    }
}

/// How people and scripts name customers and segments: one parser each.
@Suite struct ReferenceParsingTests {
    @Test func customerReferences() {
        #expect(CustomerReference("42") == .id(CustomerID(42)))
        #expect(CustomerReference("cdnow:00042") == .external(source: "cdnow", externalID: "00042"))
        #expect(CustomerReference("crm:A:1") == .external(source: "crm", externalID: "A:1"), "the first colon splits")
        for bad in ["", "abc", ":x", "crm:", "0", "-3", "9223372036854775808"] { #expect(CustomerReference(bad) == nil, "\(bad)") }
        #expect(CustomerReference.invalid("abc") == "'abc' is neither a store id nor SOURCE:EXTERNAL_ID")
        #expect(CustomerReference.external(source: "crm", externalID: "C-1").description == "crm:C-1")
    }

    @Test func segmentSelectors() {
        #expect(SegmentSelector("lifecycle") == SegmentSelector(segment: "lifecycle"))
        #expect(SegmentSelector("lifecycle:lapsing") == SegmentSelector(segment: "lifecycle", label: "lapsing"))
        #expect(SegmentSelector("tier:gold:old")?.label == "gold:old")
        #expect(SegmentSelector("tier:") == SegmentSelector(segment: "tier"), "an empty label is the whole segment")
        for bad in ["", ":gold"] { #expect(SegmentSelector(bad) == nil, "\(bad)") }
        #expect(SegmentSelector(segment: "rfm", label: "champions").description == "rfm:champions")
    }
}
