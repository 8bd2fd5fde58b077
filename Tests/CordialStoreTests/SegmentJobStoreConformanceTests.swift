import CordialCore
import CordialStore
import Foundation
import Testing

/// The contract of ``SegmentJobStore`` (segment runs shared by several processes), on every
/// conformer: one job per set of segments, each part held by one worker until its lease runs
/// out, a lost part's work refused, and a merge that writes each segment once, as a run in
/// one process would.
@Suite final class SegmentJobStoreConformanceTests {
    private let conformers = Conformers()

    static let january = SegmentStoreConformanceTests.january
    static let tier = SegmentJob.Segment(name: "tier", plugin: "tiers", pluginVersion: "1.0.0")
    static let spend = SegmentJob.Segment(name: "spend", plugin: "tiers", pluginVersion: "1.0.0")

    /// Five customers; parts of two ids: three parts.
    func store(_ kind: StoreKind) async throws -> (any Store, [CustomerID]) {
        try await SegmentStoreConformanceTests.store(kind, from: conformers)
    }

    func request(_ segments: [SegmentJob.Segment] = [tier, spend], partSize: Int64 = 2) -> SegmentJobRequest {
        SegmentJobRequest(segments: segments, at: Self.january, partSize: partSize)
    }

    /// The labels a part gives: customers of odd id "odd" in tier, every customer "all" in spend.
    func results(_ part: SegmentJobPart, of ids: [CustomerID]) -> [String: SegmentPartResult] {
        let inPart = ids.filter { part.range.contains($0.rawValue) }
        let odd = inPart.filter { $0.rawValue % 2 == 1 }
        return [
            "tier": SegmentPartResult(classified: inPart.count, customers: odd, labels: odd.map { _ in "odd" }),
            "spend": SegmentPartResult(classified: inPart.count, customers: inPart, labels: inPart.map { _ in "all" }),
        ]
    }

    @Test(arguments: StoreKind.allCases)
    func processesOpeningTheSameSegmentsShareOneJob(kind: StoreKind) async throws {
        let (store, _) = try await store(kind)
        let one = request(), reordered = request([Self.spend, Self.tier])
        async let first = store.openSegmentJob(one)
        async let second = store.openSegmentJob(reordered)
        let (a, b) = try await (first, second)
        #expect(a == b)
        #expect(a.parts == 3 && a.partSize == 2 && a.segments.map(\.name) == ["spend", "tier"])
        #expect(a.range(ofPart: 2) == 5...6)
        #expect(CalendarDays.day(of: a.at) == CalendarDays.day(of: Self.january))
        let region = SegmentJob.Segment(name: "region", plugin: "tiers", pluginVersion: "1.0.0")
        let other = try await store.openSegmentJob(request([region]))
        #expect(other.id != a.id, "another set of segments is another run")
    }

    @Test(arguments: StoreKind.allCases)
    func eachPartIsHeldByOneWorkerUntilItsLeaseRunsOut(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let job = try await store.openSegmentJob(request())
        // b first, with long leases; then a, whose lease runs out in 8 s. The checks that it
        // still holds its part are made while it does: on a machine so loaded that 8 s have
        // gone by, they are not made.
        let b0 = try #require(try await store.claimSegmentPart(of: job, worker: "b", lease: 60))
        let b1 = try #require(try await store.claimSegmentPart(of: job, worker: "b", lease: 60))
        let claimed = Date()
        let a2 = try #require(try await store.claimSegmentPart(of: job, worker: "a", lease: 8))
        let numbers: [Int] = [b0.number, b1.number, a2.number]
        #expect(numbers == [0, 1, 2])
        let heldByAll = try await store.claimSegmentPart(of: job, worker: "c", lease: 60)
        let progress = try await store.segmentJobProgress(job)
        if Date().timeIntervalSince(claimed) < 7 {
            #expect(heldByAll == nil, "every part is held")
            #expect(progress == SegmentJobProgress(parts: 3, done: 0, held: 3, merged: false))
        }
        #expect(heldByAll == nil || heldByAll?.number == 2, "only a part whose lease ran out is taken")

        try await Task.sleep(for: .seconds(max(0, 8.5 - Date().timeIntervalSince(claimed))))
        // (On a machine so loaded that c took part 2 above already, that claim is c's.)
        var claim = heldByAll
        if claim == nil { claim = try await store.claimSegmentPart(of: job, worker: "c", lease: 60) }
        guard let taken = claim else {
            Issue.record("a's lease ran out, so its part can be taken")
            return
        }
        #expect(taken.number == 2)
        await #expect(throws: StoreError.segmentPartLost(job: job.id, part: 2)) {
            try await store.finishSegmentPart(a2, worker: "a", results: self.results(a2, of: ids))
        }
        try await store.finishSegmentPart(taken, worker: "c", results: results(taken, of: ids))
        try await store.finishSegmentPart(b1, worker: "b", results: results(b1, of: ids))
        await #expect(throws: StoreError.segmentPartLost(job: job.id, part: 1)) {
            try await store.finishSegmentPart(b1, worker: "b", results: self.results(b1, of: ids))
        }
        #expect(try await store.segmentJobProgress(job) == SegmentJobProgress(parts: 3, done: 2, held: 1, merged: false))
        await #expect(throws: StoreError.segmentJobUnfinished(job: job.id, done: 2, parts: 3)) { try await store.mergeSegmentJob(job) }
        #expect(try await store.segments().isEmpty, "nothing merged before every part is done")
    }

    @Test(arguments: StoreKind.allCases)
    func theMergeWritesEachSegmentOnceAsARunInOneProcessWould(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let (whole, _) = try await self.store(kind)
        _ = try await store.materialize(SegmentOutcome(
            segment: "tier", plugin: "tiers", pluginVersion: "1.0.0", at: Self.january - 86_400, customers: ids,
            labels: ["even?", "even", nil, "even", "odd"]))
        _ = try await whole.materialize(SegmentOutcome(
            segment: "tier", plugin: "tiers", pluginVersion: "1.0.0", at: Self.january - 86_400, customers: ids,
            labels: ["even?", "even", nil, "even", "odd"]))

        let job = try await store.openSegmentJob(request())
        while let part = try await store.claimSegmentPart(of: job, worker: "w", lease: 60) {
            try await store.finishSegmentPart(part, worker: "w", results: results(part, of: ids))
        }
        let outcomes = try await store.mergeSegmentJob(job)
        let expectedTier = try await whole.materialize(SegmentOutcome(
            segment: "tier", plugin: "tiers", pluginVersion: "1.0.0", at: Self.january, customers: ids,
            labels: ids.map { $0.rawValue % 2 == 1 ? "odd" : nil }))
        guard case .materialized(let tier)? = outcomes["tier"], case .materialized(let spend)? = outcomes["spend"] else {
            Issue.record("not merged: \(outcomes)")
            return
        }
        #expect(tier.classified == 5 && tier.entered == expectedTier.entered && tier.left == expectedTier.left)
        #expect(tier.unchanged == expectedTier.unchanged && tier.counts == expectedTier.counts)
        #expect(spend.classified == 5 && spend.entered == 5 && spend.counts == ["all": 5])
        #expect(try await store.segmentMembers("tier", label: nil, at: nil, limit: nil) == whole.segmentMembers("tier", label: nil, at: nil, limit: nil))
        #expect(try await store.segmentHistory("tier", limit: 100) == whole.segmentHistory("tier", limit: 100))

        // A second merge (another process, or one resumed after a crash) writes nothing more.
        #expect(try await store.mergeSegmentJob(job) == outcomes)
        #expect(try await store.segmentHistory("tier", limit: 100) == whole.segmentHistory("tier", limit: 100))
        #expect(try await store.segmentJobProgress(job).merged)
        #expect(try await rows(of: "segment_job_label", in: store) == 0, "staged labels are gone after the merge")
        #expect(try await rows(of: "segment_run", in: store) == 3, "one run before, one per segment of the shared run")
        #expect(try await store.openSegmentJob(request()).id != job.id, "a merged run is not joined again")
    }

    @Test(arguments: StoreKind.allCases)
    func aFailedPartFailsItsSegmentAloneAndItWritesNothing(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let job = try await store.openSegmentJob(request())
        while let part = try await store.claimSegmentPart(of: job, worker: "w", lease: 60) {
            var results = results(part, of: ids)
            if part.number >= 1 {
                results["tier"] = SegmentPartResult(classified: 0, customers: [], labels: [], failure: SegmentFailureRecord(
                    customer: CustomerID(Int64(part.number) * 2 + 1), location: "plugins/tiers/plugin.lua:\(part.number)", message: "boom"))
            }
            try await store.finishSegmentPart(part, worker: "w", results: results)
        }
        let outcomes = try await store.mergeSegmentJob(job)
        #expect(outcomes["tier"] == .failed(SegmentFailureRecord(customer: CustomerID(3), location: "plugins/tiers/plugin.lua:1", message: "boom")),
                "the earliest part's failure")
        guard case .materialized(let spend)? = outcomes["spend"] else { Issue.record("spend was not merged"); return }
        #expect(spend.entered == 5)
        #expect(try await store.segments().map(\.name) == ["spend"])
        #expect(try await rows(of: "segment_job_label", in: store) == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func aMergeTheStoreRefusesFailsThatSegmentWithTheReason(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(SegmentOutcome(
            segment: "tier", plugin: "tiers", pluginVersion: "1.0.0", at: SegmentStoreConformanceTests.march, customers: ids,
            labels: ids.map { _ in "later" }))
        let job = try await store.openSegmentJob(request([Self.tier]))
        while let part = try await store.claimSegmentPart(of: job, worker: "w", lease: 60) {
            try await store.finishSegmentPart(part, worker: "w", results: results(part, of: ids))
        }
        guard case .failed(let failure)? = try await store.mergeSegmentJob(job)["tier"] else { Issue.record("not refused"); return }
        #expect(failure.customer == nil && failure.location.isEmpty && failure.message.contains("tier"))
        #expect(try await store.segmentCounts("tier", at: nil) == ["later": 5], "nothing was written")
    }

    @Test(arguments: StoreKind.allCases)
    func anEmptyStoreHasARunOfNoParts(kind: StoreKind) async throws {
        let store = try await conformers.make(kind)
        let job = try await store.openSegmentJob(request())
        #expect(job.parts == 0)
        #expect(try await store.claimSegmentPart(of: job, worker: "w", lease: 60) == nil)
        let outcomes = try await store.mergeSegmentJob(job)
        guard case .materialized(let tier)? = outcomes["tier"] else { Issue.record("\(outcomes)"); return }
        #expect(tier.classified == 0 && tier.entered == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func aRunSharingASegmentWithAnUnfinishedRunIsRefused(kind: StoreKind) async throws {
        let (store, _) = try await store(kind)
        let open = try await store.openSegmentJob(request())
        await #expect(throws: StoreError.segmentJobOverlaps(job: open.id, segments: "spend tier")) {
            try await store.openSegmentJob(self.request([Self.tier]))
        }
        let other = SegmentJob.Segment(name: "region", plugin: "tiers", pluginVersion: "1.0.0")
        #expect(try await store.openSegmentJob(request([other])).id != open.id, "a run of other segments goes on")
    }

    @Test(arguments: StoreKind.allCases)
    func aHolderRenewsItsLeaseAndOthersCannot(kind: StoreKind) async throws {
        let (store, _) = try await store(kind)
        let job = try await store.openSegmentJob(request())
        let part = try #require(try await store.claimSegmentPart(of: job, worker: "a", lease: 1))
        #expect(try await store.renewSegmentPart(part, worker: "b", lease: 60) == false)
        #expect(try await store.renewSegmentPart(part, worker: "a", lease: 60))
        try await Task.sleep(for: .milliseconds(1_500))
        let next = try #require(try await store.claimSegmentPart(of: job, worker: "b", lease: 60))
        #expect(next.number == 1, "the renewed part is still a's")
    }

    @Test(arguments: StoreKind.allCases)
    func customersForgottenDuringARunAreLeftOutOfItsMerge(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let job = try await store.openSegmentJob(request([Self.spend]))
        while let part = try await store.claimSegmentPart(of: job, worker: "w", lease: 60) {
            try await store.finishSegmentPart(part, worker: "w", results: ["spend": results(part, of: ids)["spend"]!])
        }
        try await store.forget(ids[4], reason: "request")
        _ = try await store.mergeSegmentJob(job)
        #expect(try await store.segmentMembers("spend", label: nil, at: nil, limit: nil).map(\.customer) == Array(ids.prefix(4)))
    }

    @Test func partsCoverEveryIdWithoutOverflowing() {
        #expect(SegmentJob.parts(largestID: 0, partSize: 10) == 0)
        #expect(SegmentJob.parts(largestID: 10, partSize: 10) == 1)
        #expect(SegmentJob.parts(largestID: 11, partSize: 10) == 2)
        #expect(SegmentJob.parts(largestID: .max, partSize: .max) == 1)
        let job = SegmentJob(id: 1, segments: [], at: Date(), partSize: .max / 2 + 1, parts: 2)
        #expect(job.range(ofPart: 1) == Int64.max / 2 + 2...Int64.max)
    }

    @Test(arguments: StoreKind.allCases)
    func aPartReadsTheFactsOfItsIdsOnlyAndLeavesForgottenCustomersOut(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        try await store.forget(ids[3], reason: "request")
        let facts = try await store.customerFacts(in: ids[1].rawValue...ids[4].rawValue, values: false)
        #expect(facts.map(\.id) == [ids[1], ids[2], ids[4]])
        #expect(facts[1].purchases.count == 2 && facts[1].purchases.total == 50 && facts[1].externalID == "C-3")
        #expect(facts.allSatisfy { $0.value == nil })
        #expect(try await store.customerFacts(in: 1_000...2_000, values: true).isEmpty)
    }

    func rows(of name: String, in store: any Store) async throws -> Int {
        let table = try #require(StoredTable.all.first { $0.name == name })
        return try await store.readingSnapshot { reader in try await reader.count(of: table) }
    }
}
