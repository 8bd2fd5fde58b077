import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Segmentation: the facts scan that feeds segment functions, and materialized membership
/// with its history (DESIGN.md decision 5).
extension PostgresStore {
    public func scanCustomerFacts(batchSize: Int, values: Bool) -> BatchStream<CustomerFacts> {
        BatchStream.producing { producer in
            // Pages of customers in one snapshot: the read holds back between pages while the
            // consumer is behind.
            try await self.pagedScan { connection, range in
                let sql = Self.factsSQL(condition: "c.forgotten_at IS NULL", within: range, values: values)
                let endDay = try await self.storedValueEndDay(on: connection)
                let page = try await self.rows(PostgresQuery(unsafeSQL: sql), on: connection)
                var batch: [CustomerFacts] = []
                batch.reserveCapacity(batchSize)
                for row in page {
                    batch.append(try Self.facts(row, values: values, endDay: endDay))
                    if batch.count == batchSize {
                        try await producer.send(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try await producer.send(batch) }
            }
        }
    }

    public func customerFacts(_ query: CustomerQuery) async throws -> [CustomerFacts] {
        var (condition, bindings) = Self.condition(of: query, table: "c")
        bindings.append(query.limit)
        let sql = Self.factsSQL(condition: condition, within: nil, values: true) + " LIMIT $\(bindings.count)"
        return try await withConnection { connection in
            let endDay = try await storedValueEndDay(on: connection)
            return try await rows(PostgresQuery(unsafeSQL: sql, binds: bindings), on: connection).map {
                try Self.facts($0, values: true, endDay: endDay)
            }
        }
    }

    public func customerFacts(in range: ClosedRange<Int64>, values: Bool) async throws -> [CustomerFacts] {
        try await transaction(isolation: "REPEATABLE READ READ ONLY") { connection in
            let endDay = try await storedValueEndDay(on: connection)
            let sql = Self.factsSQL(condition: "c.forgotten_at IS NULL", within: range, values: values)
            return try await rows(PostgresQuery(unsafeSQL: sql), on: connection).map { try Self.facts($0, values: values, endDay: endDay) }
        }
    }

    /// Customers matching `condition` with their purchase facts, current labels and stored
    /// values. Within an id range (a scan's page), the range's labels are aggregated once and
    /// joined; otherwise (a query's page, which may skip most ids) each customer's are looked
    /// up in the index.
    private static func factsSQL(condition: String, within range: ClosedRange<Int64>?, values: Bool) -> String {
        let labels = "SELECT customer_id, json_object_agg(segment, label)::text AS labels FROM segment_member WHERE left_at IS NULL"
        let joins: String
        var condition = condition
        if let range {
            let within = "customer_id BETWEEN \(range.lowerBound) AND \(range.upperBound)"
            joins = """
                LEFT JOIN purchase_facts p ON p.customer_id = c.id
                LEFT JOIN (\(labels) AND \(within) GROUP BY customer_id) l ON l.customer_id = c.id
                """
            condition += " AND c.id BETWEEN \(range.lowerBound) AND \(range.upperBound)"
        } else {
            joins = """
                LEFT JOIN purchase_facts p ON p.customer_id = c.id
                LEFT JOIN LATERAL (\(labels) AND customer_id = c.id GROUP BY customer_id) l ON true
                """
        }
        let valueColumns = values ? ", " + Self.valueColumns.split(separator: ",").map { "v." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ") : ""
        return """
            SELECT c.id, c.source, c.external_id, c.given_name, c.family_name, c.locale, c.tier, c.city, c.region, c.birthday,
                   floor(extract(epoch FROM c.created_at) / 86400)::integer, c.tags::text, c.attributes::text,
                   coalesce(p.purchases, 0), coalesce(p.total, 0), p.first_day, p.last_day, l.labels\(valueColumns)
            FROM customer c
            \(joins)
            \(values ? "LEFT JOIN customer_value v ON v.customer_id = c.id" : "")
            WHERE \(condition) ORDER BY c.id
            """
    }

    private static func facts(_ row: PostgresRow, values: Bool, endDay: Int) throws -> CustomerFacts {
        var cells = CellReader(row)
        var facts = CustomerFacts(
            id: CustomerID(try cells.next(Int64.self)), source: try cells.next(), externalID: try cells.next(),
            givenName: try cells.next(), familyName: try cells.next(), locale: try cells.next(), tier: try cells.next(),
            city: try cells.next(), region: try cells.next(), birthday: try cells.next(), createdDay: try cells.next(),
            tags: try PostgresCustomerRow.strings(try cells.next(), column: "tags"),
            attributes: try PostgresCustomerRow.bytes(of: try cells.next(), StoredCustomerText.attributes))
        facts.purchases = PurchaseFacts(count: try cells.next(), total: try cells.next(), firstDay: try cells.next(), lastDay: try cells.next())
        if let labels: String = try cells.next() {
            facts.labels = try PostgresCustomerRow.bytes(of: labels, StoredCustomerText.attributes).compactMapValues { value in
                if case .string(let label) = value { label } else { nil }
            }
        }
        // The stored value's columns, NULL from the customer id on when there is none.
        if values, let customer = try cells.next(Int64?.self) {
            facts.value = try Self.customerValue(of: CustomerID(customer), &cells, endDay: endDay)
        }
        return facts
    }

    public func purchaseFacts() async throws -> [PurchaseFacts] {
        try await withConnection { connection in
            try await rows("""
                SELECT count(*)::integer, sum(p.amount::float8), floor(extract(epoch FROM min(p.time)) / 86400)::integer,
                       floor(extract(epoch FROM max(p.time)) / 86400)::integer
                FROM purchase p JOIN customer c ON c.id = p.customer_id WHERE c.forgotten_at IS NULL
                GROUP BY p.customer_id ORDER BY p.customer_id
                """, on: connection
            ).map { row in
                let (count, total, first, last) = try row.decode((Int, Double, Int, Int).self)
                return PurchaseFacts(count: count, total: total, firstDay: first, lastDay: last)
            }
        }
    }

    public func materialize(_ outcome: SegmentOutcome) async throws -> SegmentRunSummary {
        try await transaction { connection in try await materialize(outcome, on: connection) }
    }

    /// ``materialize(_:)`` inside the caller's transaction (a shared run's merge records the
    /// segment's outcome in the same one).
    func materialize(_ outcome: SegmentOutcome, on connection: PostgresSession) async throws -> SegmentRunSummary {
        // Runs of one segment from several processes take turns (the lock goes with the transaction).
        try await connection.query("SELECT pg_advisory_xact_lock(73062012, hashtext(\(outcome.segment)))")
        // The plugin that first wrote the segment owns it: another plugin of the same
        // segment name (an impostor, or a renamed copy) cannot overwrite its history.
        if let owner = try await value(
            String.self, "SELECT plugin FROM segment_run WHERE segment = \(outcome.segment) ORDER BY id LIMIT 1", on: connection),
           owner != outcome.plugin {
            throw StoreError.segmentOwnedByAnotherPlugin(outcome.segment, owner: owner, writer: outcome.plugin)
        }
        let at = PostgresTime.stored(outcome.at)
        if let last = try await value(Date?.self, "SELECT max(at) FROM segment_run WHERE segment = \(outcome.segment)", on: connection) ?? nil,
           at < last {
            throw StoreError.segmentRunBackdated(outcome.segment, lastRun: last, requested: outcome.at)
        }
        let now = PostgresTime.stored(Date())
        guard let run = try await value(Int64.self, """
            INSERT INTO segment_run (segment, plugin, plugin_version, at, finished_at, classified, entered, left_count)
            VALUES (\(outcome.segment), \(outcome.plugin), \(outcome.pluginVersion), \(at), \(now), \(outcome.classified), 0, 0)
            RETURNING id
            """, on: connection) else { throw PostgresFailure(server: location.server, reason: "a segment run was not recorded") }

        // The current members in customer order, merged with the new labels (in customer order).
        var current: [MembershipDiff.Member] = []
        for try await (row, customer, label) in try await connection.query("""
            SELECT id, customer_id, label FROM segment_member WHERE segment = \(outcome.segment) AND left_at IS NULL
            ORDER BY customer_id
            """).decode((Int64, Int64, String).self) {
            current.append(MembershipDiff.Member(row: row, customer: CustomerID(customer), label: label))
        }
        var next = current.makeIterator()
        let diff = MembershipDiff(outcome) { next.next() }

        if !diff.leaving.isEmpty {
            let customerOfRow = Dictionary(uniqueKeysWithValues: current.map { ($0.row, $0.customer.rawValue) })
            let leavingCustomers = diff.leaving.map { customerOfRow[$0]! }
            try await connection.query("""
                UPDATE segment_member m SET left_at = \(at), left_run = \(run)
                FROM unnest(\(leavingCustomers)::bigint[], \(diff.leaving)::bigint[]) AS l(customer_id, id)
                WHERE m.customer_id = l.customer_id AND m.id = l.id
                """)
        }
        if !diff.entering.isEmpty {
            let atText = PostgresTime.text(at)
            var rows = CopyRows(capacity: diff.entering.count * 40)
            for member in diff.entering {
                rows.integer(member.customer.rawValue)
                rows.text(outcome.segment)
                rows.text(member.label)
                rows.raw(atText)
                rows.integer(run)
                rows.endRow()
            }
            try await connection.copy(
                rows.buffer, into: "segment_member", columns: ["customer_id", "segment", "label", "entered_at", "entered_run"])
        }
        try await connection.query("""
            UPDATE segment_run SET entered = \(diff.entering.count), left_count = \(diff.leaving.count),
                finished_at = \(PostgresTime.stored(Date())) WHERE id = \(run)
            """)
        return SegmentRunSummary(
            segment: outcome.segment, run: run, classified: outcome.classified, entered: diff.entering.count,
            left: diff.leaving.count, unchanged: diff.unchanged, counts: diff.counts)
    }

    public func segments() async throws -> [SegmentInfo] {
        try await withConnection { connection in
            var infos: [SegmentInfo] = []
            for try await (name, plugin, version, at) in try await connection.query("""
                SELECT segment, plugin, plugin_version, at FROM segment_run
                WHERE id IN (SELECT max(id) FROM segment_run GROUP BY segment) ORDER BY segment COLLATE "C"
                """).decode((String, String, String, Date).self) {
                infos.append(SegmentInfo(name: name, plugin: plugin, pluginVersion: version, lastRun: at, counts: [:]))
            }
            for index in infos.indices {
                infos[index].counts = try await counts(of: infos[index].name, at: nil, on: connection)
            }
            return infos
        }
    }

    public func segmentCounts(_ segment: String, at date: Date?) async throws -> [String: Int] {
        try await withConnection { connection in try await counts(of: segment, at: date, on: connection) }
    }

    public func segmentMembers(_ segment: String, label: String?, at date: Date?, limit: Int?) async throws -> [SegmentMember] {
        var bindings = Self.bindings(segment)
        var sql = "SELECT customer_id, label, entered_at FROM segment_member WHERE segment = $1 AND "
            + Self.membershipCondition(at: date, bindings: &bindings)
        if let label {
            bindings.append(label)
            sql += " AND label = $\(bindings.count)"
        }
        sql += " ORDER BY customer_id"
        if let limit {
            bindings.append(limit)
            sql += " LIMIT $\(bindings.count)"
        }
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        return try await withConnection { connection in
            try await rows(query, on: connection).map { row in
                let (customer, label, since) = try row.decode((Int64, String, Date).self)
                return SegmentMember(customer: CustomerID(customer), label: label, since: since)
            }
        }
    }

    public func segmentHistory(_ segment: String, limit: Int) async throws -> [SegmentChange] {
        try await withConnection { connection in
            try await rows("""
                SELECT time, kind, customer_id, label, plugin_version FROM (
                  SELECT m.entered_at AS time, 'entered' AS kind, m.customer_id, m.label, r.plugin_version
                  FROM segment_member m JOIN segment_run r ON r.id = m.entered_run WHERE m.segment = \(segment)
                  UNION ALL
                  SELECT m.left_at, 'left', m.customer_id, m.label, r.plugin_version
                  FROM segment_member m JOIN segment_run r ON r.id = m.left_run WHERE m.segment = \(segment) AND m.left_at IS NOT NULL
                ) changes ORDER BY time DESC, customer_id, kind DESC LIMIT \(limit)
                """, on: connection
            ).map { row in
                let (time, kind, customer, label, version) = try row.decode((Date, String, Int64, String, String).self)
                return SegmentChange(
                    time: time, kind: SegmentChange.Kind(rawValue: kind) ?? .entered, customer: CustomerID(customer), label: label,
                    pluginVersion: version)
            }
        }
    }

    public func segmentLabelNames(_ segment: String) async throws -> [String] {
        try await withConnection { connection in
            try await rows(
                #"SELECT DISTINCT label COLLATE "C" AS label FROM segment_member WHERE segment = \#(segment) ORDER BY 1"#, on: connection
            ).map { try $0.decode(String.self) }
        }
    }

    public func segmentLabels(of id: CustomerID) async throws -> [String: String] {
        try await withConnection { connection in
            var labels: [String: String] = [:]
            for try await (segment, label) in try await connection.query(
                "SELECT segment, label FROM segment_member WHERE customer_id = \(id.rawValue) AND left_at IS NULL"
            ).decode((String, String).self) {
                labels[segment] = label
            }
            return labels
        }
    }

    /// Members as of `date` (nil: now): entered on or before it and not left by then.
    private static func membershipCondition(at date: Date?, bindings: inout PostgresBindings) -> String {
        guard let date else { return "left_at IS NULL" }
        bindings.append(PostgresTime.stored(date))
        return "entered_at <= $\(bindings.count) AND (left_at IS NULL OR left_at > $\(bindings.count))"
    }

    private func counts(of segment: String, at date: Date?, on connection: PostgresSession) async throws -> [String: Int] {
        var bindings = Self.bindings(segment)
        let condition = Self.membershipCondition(at: date, bindings: &bindings)
        var counts: [String: Int] = [:]
        for try await (label, count) in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT label, count(*) FROM segment_member WHERE segment = $1 AND \(condition) GROUP BY label", binds: bindings)
        ).decode((String, Int).self) {
            counts[label] = count
        }
        return counts
    }
}
