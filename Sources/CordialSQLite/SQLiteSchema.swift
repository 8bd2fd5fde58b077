import GRDB

/// The versioned schema of ``SQLiteStore``. Migrations are append-only: a released one is
/// never edited, a change is a new migration.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: customers, purchases, interactions, staff, audit") { db in
            try db.create(table: "customer") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("source", .text).notNull()
                t.column("externalID", .text).notNull()
                t.column("givenName", .text).notNull().defaults(to: "")
                t.column("familyName", .text).notNull().defaults(to: "")
                t.column("honorific", .text)
                t.column("emails", .jsonText).notNull().defaults(to: "[]")
                t.column("phones", .jsonText).notNull().defaults(to: "[]")
                t.column("address", .jsonText)
                t.column("city", .text)  // copied out of address: segmentation and visits filter on them
                t.column("region", .text)
                t.column("birthday", .text)  // "1990-02-28" or "--02-28"
                t.column("birthMonthDay", .text)  // "02-28": birthday campaigns look up by day
                t.column("locale", .text).notNull().defaults(to: "en")
                t.column("tier", .text)
                t.column("tags", .jsonText).notNull().defaults(to: "[]")
                t.column("attributes", .jsonText).notNull().defaults(to: "{}")
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.column("version", .integer).notNull().defaults(to: 1)
                t.column("forgottenAt", .datetime)
                t.uniqueKey(["source", "externalID"])
            }
            try db.create(index: "customer_region", on: "customer", columns: ["region", "city"])
            try db.create(index: "customer_birthday", on: "customer", columns: ["birthMonthDay"])
            try db.create(index: "customer_tier", on: "customer", columns: ["tier"])

            try db.create(table: "purchase") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("customer", onDelete: .cascade).notNull()
                t.column("source", .text).notNull()
                t.column("externalID", .text).notNull()
                t.column("time", .datetime).notNull()
                t.column("amount", .text).notNull()  // exact decimal text: money is never a Double
                t.column("currency", .text).notNull()
                t.column("quantity", .integer).notNull().defaults(to: 1)
                t.column("channel", .text)
                t.column("product", .text)
                t.column("category", .text)
                t.uniqueKey(["source", "externalID"])
            }
            try db.create(index: "purchase_customer_time", on: "purchase", columns: ["customerId", "time"])

            try db.create(table: "staff") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("region", .text)
            }
            try db.create(table: "interaction") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("customer", onDelete: .cascade).notNull()
                t.column("kind", .text).notNull()
                t.column("time", .datetime).notNull()
                t.belongsTo("staff", onDelete: .setNull)
                t.column("outcome", .text)
                t.column("cost", .text)
                t.column("currency", .text)
            }
            try db.create(index: "interaction_customer_time", on: "interaction", columns: ["customerId", "time"])

            try db.create(table: "auditEntry") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("time", .datetime).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("detail", .text)
            }
        }
        migrator.registerMigration("v2: segments, runs and membership history") { db in
            try db.create(table: "segmentRun") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("segment", .text).notNull()
                t.column("plugin", .text).notNull()
                t.column("pluginVersion", .text).notNull()
                t.column("at", .datetime).notNull()  // the date classified as of
                t.column("finishedAt", .datetime).notNull()
                t.column("classified", .integer).notNull()
                t.column("entered", .integer).notNull()
                t.column("left", .integer).notNull()
            }
            try db.create(index: "segmentRun_segment", on: "segmentRun", columns: ["segment", "id"])
            // One row per stay of a customer in a label: current rows have no `leftAt`.
            // Membership as of a date is the rows with enteredAt <= date < leftAt.
            try db.create(table: "segmentMember") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("segment", .text).notNull()
                t.belongsTo("customer", onDelete: .cascade).notNull()
                t.column("label", .text).notNull()
                t.column("enteredAt", .datetime).notNull()
                // Run ids without foreign keys: runs are never deleted, and the check would cost a
                // lookup per row on a first run over a million customers.
                t.column("enteredRun", .integer).notNull()
                t.column("leftAt", .datetime)
                t.column("leftRun", .integer)
            }
            // One index: current members by segment and customer. Every index on this table costs
            // a write per row on a segment's first run (a million rows for the benchmark, where a
            // second and third index doubled the insert time); reads by customer go segment by
            // segment through this one, and history queries (`--at`, `history`) read the
            // segment's rows, which is fine for commands a person types.
            try db.execute(sql: "CREATE UNIQUE INDEX segmentMember_current ON segmentMember(segment, customerId) WHERE leftAt IS NULL")
        }
        migrator.registerMigration("v3: customer value fits and scores") { db in
            // The fit's parameters, terms and optimisation reports as JSON (``ValueFit``): read
            // whole, never queried by field.
            try db.create(table: "valueFit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("fittedAt", .datetime).notNull()
                t.column("endDate", .text).notNull()
                t.column("unit", .text).notNull()
                t.column("customers", .integer).notNull()
                t.column("details", .text).notNull()
            }
            // The latest fit's scores, one row per customer (a new fit replaces them all).
            try db.create(table: "customerValue") { t in
                t.primaryKey("customerId", .integer).references("customer", onDelete: .cascade)
                t.column("fitId", .integer).notNull().references("valueFit")
                t.column("frequency", .integer).notNull()
                t.column("recency", .double).notNull()
                t.column("age", .double).notNull()
                t.column("repeatMean", .double).notNull()
                t.column("spent", .double).notNull()
                t.column("rfmRecency", .integer).notNull()
                t.column("rfmFrequency", .integer).notNull()
                t.column("rfmMonetary", .integer).notNull()
                // NULL where a series did not converge for this customer.
                t.column("pAlive", .double)
                t.column("expectedPurchases", .double)
                t.column("expectedSpend", .double)
                t.column("clv", .double)
                t.column("referrals", .integer).notNull()
                t.column("influence", .double).notNull()
            }
        }
        migrator.registerMigration("v4: segment runs shared by several processes") { db in
            // A shared run (`segments run --shared`): its segments with their plugin versions
            // (JSON), the date it classifies as of, and its customers cut into id ranges.
            try db.create(table: "segmentJob") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("segmentNames", .text).notNull()  // sorted, space-separated: what processes agree on
                t.column("segments", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("partSize", .integer).notNull()
                t.column("parts", .integer).notNull()
                t.column("openedAt", .datetime).notNull()
                t.column("mergedAt", .datetime)
            }
            // One unfinished shared run per set of segments: processes starting at once join it.
            try db.execute(sql: "CREATE UNIQUE INDEX segmentJob_open ON segmentJob(segmentNames) WHERE mergedAt IS NULL")
            try db.create(table: "segmentJobPart") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("jobId", .integer).notNull()
                t.column("part", .integer).notNull()
                t.column("worker", .text)
                t.column("leaseUntil", .datetime)
                t.column("doneAt", .datetime)
                t.column("results", .text)  // per segment: customers classified, the failure if any (JSON)
                t.uniqueKey(["jobId", "part"])
            }
            // The labels parts gave, until the merge moves them into segmentMember.
            try db.create(table: "segmentJobLabel") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("jobId", .integer).notNull()
                t.column("segment", .text).notNull()
                t.column("label", .text).notNull()
            }
            try db.create(index: "segmentJobLabel_job", on: "segmentJobLabel", columns: ["jobId", "segment", "customerId"])
            // What the merge wrote for each segment (JSON), so that it writes each once.
            try db.create(table: "segmentJobResult") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("jobId", .integer).notNull()
                t.column("segment", .text).notNull()
                t.column("outcome", .text).notNull()
                t.uniqueKey(["jobId", "segment"])
            }
        }
        migrator.registerMigration("v5: care campaigns: catalogs, plans, runs, the ledger and its effects") { db in
            try db.create(table: "giftItem") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("catalog", .text).notNull()
                t.column("code", .text).notNull()
                t.column("name", .text).notNull()
                t.column("cost", .text).notNull()  // exact decimal text
                t.column("currency", .text).notNull()
                t.column("stock", .integer).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["catalog", "code"])
            }
            // Events plugins declare; `taken` counts seats, never past `capacity`.
            try db.create(table: "careEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("title", .text).notNull()
                t.column("day", .text).notNull()
                t.column("capacity", .integer).notNull()
                t.column("taken", .integer).notNull()
            }
            try db.create(table: "campaignPlan") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("campaign", .text).notNull()
                t.column("plugin", .text).notNull()
                t.column("pluginVersion", .text).notNull()
                t.column("fromDay", .text).notNull()
                t.column("toDay", .text).notNull()
                t.column("madeAt", .datetime).notNull()
                t.column("fingerprint", .text).notNull()
                t.column("limits", .text).notNull()  // JSON
                t.column("summary", .text).notNull()  // JSON
                t.column("approval", .text)  // JSON
            }
            try db.create(index: "campaignPlan_campaign", on: "campaignPlan", columns: ["campaign", "id"])
            try db.create(table: "campaignPlanAction") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("planId", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("key", .text).notNull()
                t.column("occasion", .text).notNull()
                t.column("form", .text).notNull()
                t.column("occasionDay", .text).notNull()
                t.column("actionDay", .text).notNull()
                t.column("item", .integer).notNull()
                t.column("cost", .text).notNull()
                t.column("currency", .text).notNull()
                t.column("segment", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("giftCatalog", .text)
                t.column("giftItem", .text)
                t.column("template", .text)
                t.column("role", .text)
                t.column("script", .text)
                t.column("event", .text)
                t.column("heldBack", .text)
                t.uniqueKey(["planId", "seq"])
            }
            try db.create(table: "campaignRun") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("planId", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("parts", .integer).notNull()
                t.column("partSize", .integer).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("finishedAt", .datetime)
            }
            // One unfinished run per plan: processes applying at once join it.
            try db.execute(sql: "CREATE UNIQUE INDEX campaignRun_open ON campaignRun(planId) WHERE status <> 'done'")
            try db.create(table: "campaignRunPart") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("runId", .integer).notNull()
                t.column("part", .integer).notNull()
                t.column("firstSeq", .integer).notNull()
                t.column("lastSeq", .integer).notNull()
                t.column("worker", .text)
                t.column("leaseUntil", .datetime)
                t.column("doneAt", .datetime)
                t.column("outcome", .text)  // JSON: CampaignApplyOutcome
                t.uniqueKey(["runId", "part"])
            }
            try db.create(table: "campaignRunSkip") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("runId", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("result", .text).notNull()  // already-done or skipped
                t.column("reason", .text)
                t.uniqueKey(["runId", "seq"])
            }
            // What each campaign spent, in all ("total") and per period (its first day).
            try db.create(table: "careBudget") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("campaign", .text).notNull()
                t.column("period", .text).notNull()
                t.column("spent", .text).notNull()
                t.uniqueKey(["campaign", "period"])
            }
            // The ledger: one row per action done, under its key.
            try db.create(table: "careAction") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("key", .text).notNull()
                t.column("campaign", .text).notNull()
                t.column("planId", .integer).notNull()
                t.column("runId", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("occasion", .text).notNull()
                t.column("form", .text).notNull()
                t.column("actionDay", .text).notNull()
                t.column("cost", .text).notNull()
                t.column("currency", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("giftCatalog", .text)
                t.column("giftItem", .text)
                t.column("template", .text)
                t.column("role", .text)
                t.column("event", .text)
                t.column("appliedAt", .datetime).notNull()
                t.uniqueKey(["customerId", "key"])
            }
            try db.create(index: "careAction_run", on: "careAction", columns: ["runId", "seq"])
            try db.create(index: "careAction_campaign", on: "careAction", columns: ["campaign"])
            // Letters waiting to be rendered and sent (the letters feature renders them).
            try db.create(table: "letterOutbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("actionKey", .text).notNull()
                t.column("campaign", .text).notNull()
                t.column("template", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("status", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["customerId", "actionKey"])
            }
            // Calls on the list of the role that makes them.
            try db.create(table: "callTask") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("actionKey", .text).notNull()
                t.column("campaign", .text).notNull()
                t.column("role", .text).notNull()
                t.column("script", .text).notNull()
                t.column("dueDay", .text).notNull()
                t.column("status", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["customerId", "actionKey"])
            }
            try db.create(index: "callTask_role", on: "callTask", columns: ["role", "status", "dueDay"])
            // A customer holds at most one seat at an event, whichever campaign invited them.
            try db.create(table: "eventSeat") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("event", .text).notNull()
                t.column("actionKey", .text).notNull()
                t.column("takenAt", .datetime).notNull()
                t.uniqueKey(["customerId", "event"])
            }
            // Every action is an interaction on the customer's file, once.
            try db.alter(table: "interaction") { t in t.add(column: "actionKey", .text) }
            try db.execute(sql: "CREATE UNIQUE INDEX interaction_action ON interaction(customerId, actionKey) WHERE actionKey IS NOT NULL")
        }
        migrator.registerMigration("v6: consent per contact channel") { db in
            try db.create(table: "customerConsent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("channel", .text).notNull()
                t.column("granted", .integer).notNull()
                t.column("changedAt", .datetime).notNull()
                t.column("source", .text).notNull()
                t.uniqueKey(["customerId", "channel"])
            }
        }
        migrator.registerMigration("v7: letter delivery: attempts, leases, the uncertain") { db in
            try db.alter(table: "letterOutbox") { t in
                t.add(column: "attempts", .integer).notNull().defaults(to: 0)
                t.add(column: "nextAttemptAt", .datetime)
                t.add(column: "leaseUntil", .datetime)
                t.add(column: "sentAt", .datetime)
                t.add(column: "messageId", .text)
                t.add(column: "lastError", .text)
            }
            try db.create(index: "letterOutbox_due", on: "letterOutbox", columns: ["status", "nextAttemptAt"])
            // Every attempt at delivering a letter: the ledger of what was handed to whom, when.
            try db.create(table: "letterAttempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("letterId", .integer).notNull()
                t.column("number", .integer).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("endedAt", .datetime)
                t.column("outcome", .text)
                t.column("detail", .text)
                t.uniqueKey(["letterId", "number"])
            }
        }
        migrator.registerMigration("v8: feedback and its handling steps") { db in
            // Anonymous feedback is filed under customer 0 (no customer has that id): the
            // customer id stays in every customer-scoped key, as sharding needs.
            try db.create(table: "feedback") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("source", .text).notNull()
                t.column("externalID", .text)
                t.column("channel", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("category", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("text", .text).notNull()
                t.column("language", .text)
                t.column("csat", .integer)
                t.column("nps", .integer)
                t.column("contact", .text)
                t.column("ownerId", .integer)
                t.column("team", .text)
                t.column("status", .text).notNull()
                t.column("receivedAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.column("version", .integer).notNull()
                // A source's ids are its own: a case imported twice is added once, whoever it is about.
                t.uniqueKey(["source", "externalID"])
            }
            try db.create(index: "feedback_status", on: "feedback", columns: ["status", "receivedAt"])
            try db.create(index: "feedback_category", on: "feedback", columns: ["category"])
            try db.create(index: "feedback_received", on: "feedback", columns: ["receivedAt"])
            try db.create(table: "feedbackEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("feedbackId", .integer).notNull()
                t.column("at", .datetime).notNull()
                t.column("actorId", .integer)
                t.column("action", .text).notNull()
                t.column("fromStatus", .text)
                t.column("toStatus", .text)
                t.column("note", .text)
                t.column("compensationForm", .text)
                t.column("compensationAmount", .text)
                t.column("compensationCurrency", .text)
            }
            try db.create(index: "feedbackEvent_feedback", on: "feedbackEvent", columns: ["feedbackId", "id"])
        }
        migrator.registerMigration("v9: feedback hooks, once per event") { db in
            // The plugin whose hook made a step: such steps are not queued for hooks.
            try db.alter(table: "feedbackEvent") { t in t.add(column: "hook", .text) }
            // Steps waiting for hooks, queued in the transaction that records them.
            try db.create(table: "feedbackHookQueue") { t in
                t.column("eventId", .integer).primaryKey()
                t.column("customerId", .integer).notNull()
                t.column("feedbackId", .integer).notNull()
            }
            // Each hook of each plugin once per event: the key is the promise.
            try db.create(table: "feedbackHookDelivery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("plugin", .text).notNull()
                t.column("key", .text).notNull()
                t.column("hook", .text).notNull()
                t.column("feedbackId", .integer).notNull()
                t.column("at", .datetime).notNull()
                t.column("outcome", .text).notNull()
                t.column("message", .text)
                t.column("recovery", .text).notNull()
                t.column("recoveryPlanId", .integer)
                t.uniqueKey(["customerId", "feedbackId", "plugin", "key"])
            }
            try db.create(index: "feedbackHookDelivery_feedback", on: "feedbackHookDelivery", columns: ["feedbackId"])
            try db.create(index: "feedbackHookDelivery_outcome", on: "feedbackHookDelivery", columns: ["outcome", "recovery"])
        }
        migrator.registerMigration("v10: staff as the organisation keeps them") { db in
            try db.alter(table: "staff") { t in
                t.add(column: "externalID", .text)
                t.add(column: "otherRoles", .text)
                t.add(column: "areas", .text)
                t.add(column: "email", .text)
                t.add(column: "timeZone", .text)
                t.add(column: "week", .text)
                t.add(column: "visitsPerDay", .integer)
                t.add(column: "visitsPerWeek", .integer)
                t.add(column: "absences", .text)
            }
            // `region` (one) was what staff covered before areas (several).
            try db.execute(sql: "UPDATE staff SET areas = json_array(region) WHERE region IS NOT NULL AND region <> ''")
            try db.create(index: "staff_externalId", on: "staff", columns: ["externalID"], unique: true)
        }
        migrator.registerMigration("v11: visits on staff's schedules, with their history") { db in
            try db.alter(table: "campaignPlanAction") { t in
                t.add(column: "visit", .text)  // JSON: PlannedVisit
            }
            try db.create(table: "visit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("actionKey", .text).notNull()
                t.column("campaign", .text).notNull()
                t.column("role", .text).notNull()
                t.column("staffId", .integer).notNull()
                t.column("day", .text).notNull()
                t.column("start", .integer).notNull()
                t.column("minutes", .integer).notNull()
                t.column("buffer", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("notes", .text)
                t.column("sequence", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["customerId", "actionKey"])
            }
            try db.create(index: "visit_staff_day", on: "visit", columns: ["staffId", "day"])
            try db.create(index: "visit_day", on: "visit", columns: ["day"])
            try db.create(table: "visitChange") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("customerId", .integer).notNull()
                t.column("visitId", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("staffId", .integer).notNull()
                t.column("day", .text).notNull()
                t.column("start", .integer).notNull()
                t.column("note", .text)
                t.column("by", .text)
            }
            try db.create(index: "visitChange_visit", on: "visitChange", columns: ["visitId", "id"])
        }
        migrator.registerMigration("v12: each customer's purchase facts, kept as purchases are written") { db in
            try PurchaseFactsTable.create(db)
        }
        migrator.registerMigration("v13: no index that no query reads") { db in
            // Every customer written updates every index: these two served no query (birthday
            // campaigns read each customer's birthday, nothing looks customers up by region).
            try db.drop(index: "customer_region")
            try db.drop(index: "customer_birthday")
        }
        return migrator
    }
}
