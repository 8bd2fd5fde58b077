import Foundation
import Testing

/// `cordial feedback` and `cordial import feedback` as a care team uses them: cases taken in
/// under the plugins' categories, moved through the six steps by named staff (an illegal
/// step refused with the allowed ones), assigned, rated, listed and shown with their history;
/// files imported all or nothing with located errors, and once.
@Suite final class FeedbackCommandTests {
    let stores = TemporaryStores()
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-feedback-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome { try RunCommandTests.cordial(arguments) }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A store with three customers and two members of staff.
    func store() throws -> String {
        let db = stores.path()
        #expect(try cordial("init", "--db", db).status == 0)
        let customers = try file("customers.csv", "external_id,first_name,family_name,locale\nC-1,Văn An,Nguyễn,vi\nC-2,Wei,Wang,zh\nC-3,Emily,Carter,en\n")
        #expect(try cordial("import", "customers", customers, "--source", "crm", "--db", db).status == 0)
        #expect(try cordial("staff", "add", "Lê Thu Hà", "--role", "agent", "--db", db).status == 0)
        #expect(try cordial("staff", "add", "Trần Minh", "--role", "supervisor", "--db", db).status == 0)
        return db
    }

    @Test func aComplaintGoesThroughItsStepsByNamedStaff() throws {
        let db = try store()
        let misspelt = try cordial("feedback", "add", "--customer", "crm:C-1", "--channel", "phone", "--kind", "complaint",
                                   "--category", "baggage/delayd", "--text", "Hành lý đến trễ", "--db", db)
        #expect(misspelt.status == 1)
        #expect(misspelt.standardError == "Error: --category: no feedback category 'baggage/delayd' under 'baggage'; known: baggage/damaged, baggage/delayed, baggage/fees, baggage/lost\n")
        let added = try cordial("feedback", "add", "--customer", "crm:C-1", "--channel", "phone", "--kind", "complaint", "--category", "baggage/delayed",
                                "--severity", "high", "--text", "Hành lý của tôi đến trễ hai ngày", "--language", "vi",
                                "--received-at", "2025-03-01T09:30:00Z", "--by", "Lê Thu Hà", "--db", db)
        // The shipped plugin's hook sends a high-severity complaint to the supervisors' queue.
        #expect(added.status == 0 && added.standardOutput == "FB-1: complaint baggage/delayed (high) received\nhooks: 1 run (1 change to cases)\n",
                "\(added.standardError)")
        let refiled = try cordial("feedback", "update", "FB-1", "--category", "baggage/lots", "--by", "Lê Thu Hà", "--db", db)
        #expect(refiled.status == 1 && refiled.standardError.contains("no feedback category 'baggage/lots' under 'baggage'"), "\(refiled.standardError)")
        #expect(try cordial("feedback", "update", "FB-1", "--category", "baggage/lost", "--severity", "critical", "--by", "Lê Thu Hà", "--db", db)
            .standardOutput == "FB-1: filed as baggage/lost, critical by Lê Thu Hà\n")
        #expect(try cordial("feedback", "update", "FB-1", "--category", "baggage/delayed", "--severity", "high", "--by", "1", "--db", db).status == 0)

        let skip = try cordial("feedback", "update", "FB-1", "--status", "resolved", "--by", "Lê Thu Hà", "--db", db)
        #expect(skip.status == 1)
        #expect(skip.standardError == "Error: FB-1 is received and cannot become resolved; from received it may become acknowledged\n")
        let nobody = try cordial("feedback", "update", "FB-1", "--status", "acknowledged", "--by", "Nobody", "--db", db)
        #expect(nobody.status == 1 && nobody.standardError.contains("Nobody"), "\(nobody.standardError)")

        for (status, by) in [("acknowledged", "Lê Thu Hà"), ("investigating", "Lê Thu Hà"), ("solution-proposed", "Trần Minh"), ("agreed", "1")] {
            let moved = try cordial("feedback", "update", "FB-1", "--status", status, "--by", by, "--note", "step \(status)", "--db", db)
            #expect(moved.status == 0, "\(moved.standardError)")
        }
        let stale = try cordial("feedback", "update", "FB-1", "--note", "late", "--by", "1", "--version", "2", "--db", db)
        #expect(stale.status == 1 && stale.standardError == "Error: FB-1 changed meanwhile (version 8, not 2); read it again and retry\n")
        #expect(try cordial("feedback", "assign", "FB-1", "--to", "Trần Minh", "--team", "baggage", "--by", "Lê Thu Hà", "--db", db).standardOutput
            == "FB-1: assigned to Trần Minh (supervisor), team baggage by Lê Thu Hà\n")
        #expect(try cordial("feedback", "update", "FB-1", "--csat", "4", "--nps", "8", "--by", "2", "--db", db).status == 0)

        let shown = try cordial("feedback", "show", "FB-1", "--db", db)
        #expect(shown.status == 0)
        let text = shown.standardOutput
        #expect(text.hasPrefix("FB-1  complaint, baggage/delayed, high, agreed (version 10)\nfrom      Nguyễn Văn An (customer 1)\n"), "\(text)")
        #expect(text.split(separator: "\n").contains { $0.contains("Lê Thu Hà (agent)") && $0.trimmingCharacters(in: .whitespaces).hasSuffix("received") },
                "who took it in: \(text)")
        #expect(text.contains("filed again") && text.contains("category baggage/delayed → baggage/lost, severity high → critical"))
        #expect(text.contains("received  2025-03-01T09:30:00Z by phone, in vi"))
        #expect(text.contains("owner     Trần Minh (supervisor), team baggage"))
        #expect(text.contains("rated     CSAT 4/5, NPS 8/10"))
        #expect(text.contains("Hành lý của tôi đến trễ hai ngày"))
        #expect(text.contains("solution-proposed → agreed") && text.contains("step agreed"))
        #expect(text.contains("Trần Minh (supervisor), team baggage"), "the assignment names the owner")
        #expect(text.hasSuffix("next: resolved  (cordial feedback update FB-1 --status STATUS --by STAFF)\n"))

        let json = try cordial("feedback", "show", "1", "--json", "--db", db)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect((decoded?["events"] as? [Any])?.count == 10)
        #expect(text.contains("plugin ground-services") && text.contains("team supervisors: high complaint"), "the hook's step: \(text)")
        #expect(decoded?["next"] as? [String] == ["resolved"])
        #expect(try cordial("feedback", "show", "FB-9", "--db", db).standardError == "Error: no feedback FB-9\n")
    }

    @Test func compensationIsGrantedWithinAuthorityAndEscalated() throws {
        let db = try store()
        #expect(try cordial("staff", "add", "Phạm Quang", "--role", "manager", "--db", db).status == 0)
        #expect(try cordial("feedback", "add", "--customer", "crm:C-1", "--channel", "phone", "--kind", "complaint", "--category", "delay/departure",
                            "--text", "Chuyến bay trễ ba tiếng", "--received-at", "2025-03-01T09:30:00Z", "--db", db).status == 0)
        let voucher = try cordial("feedback", "compensate", "FB-1", "--form", "voucher", "--amount", "300000", "--by", "Lê Thu Hà", "--db", db)
        #expect(voucher.standardOutput == "FB-1: voucher of 300.000 ₫ granted by Lê Thu Hà (300.000 ₫ in all)\n", "\(voucher.standardError)")
        // Another 300.000 ₫ would make 600.000 ₫ on the case: above an agent's 500.000 ₫.
        let above = try cordial("feedback", "compensate", "FB-1", "--form", "voucher", "--amount", "300000", "--by", "Lê Thu Hà", "--db", db)
        #expect(above.status == 1)
        #expect(above.standardError == "Error: Lê Thu Hà (agent) may not grant voucher of 300.000 ₫ on FB-1 (600.000 ₫ in all with what FB-1 was granted); "
            + "a supervisor or a manager may (Phạm Quang, Trần Minh): escalate with `cordial feedback assign FB-1 --to STAFF --by Lê Thu Hà`\n")
        let refund = try cordial("feedback", "compensate", "FB-1", "--form", "refund", "--amount", "2000000", "--by", "Trần Minh", "--db", db)
        #expect(refund.status == 1 && refund.standardError.contains("Trần Minh (supervisor) may not grant refund of 2.000.000 ₫ on FB-1"), "\(refund.standardError)")
        #expect(refund.standardError.contains("a manager may (Phạm Quang)"))
        #expect(try cordial("feedback", "compensate", "FB-1", "--form", "refund", "--amount", "2000000", "--by", "Phạm Quang", "--note", "ba tiếng", "--db", db)
            .standardOutput == "FB-1: refund of 2.000.000 ₫ granted by Phạm Quang (2.300.000 ₫ in all)\n")
        // A manager may grant any form; an agent only those of the agent's level.
        let cash = try cordial("feedback", "compensate", "FB-1", "--form", "cash", "--amount", "1", "--by", "Lê Thu Hà", "--db", db)
        #expect(cash.status == 1 && cash.standardError.contains("Lê Thu Hà (agent) may not grant cash of 1 ₫ on FB-1"), "\(cash.standardError)")
        #expect(cash.standardError.contains("a manager may (Phạm Quang)"))
        let usd = try cordial("feedback", "compensate", "FB-1", "--form", "voucher", "--amount", "10", "--currency", "usd", "--by", "Phạm Quang", "--db", db)
        #expect(usd.status == 1 && usd.standardError == "Error: compensation is granted in VND, not USD\n")
        let shown = try cordial("feedback", "show", "FB-1", "--db", db).standardOutput
        #expect(shown.contains("compensation") && shown.contains("refund 2000000 VND: ba tiếng"), "\(shown)")
    }

    @Test func listsFilterAnonymousContactsAndCount() throws {
        let db = try store()
        #expect(try cordial("feedback", "add", "--contact-name", "Wang", "--contact-phone", "+86 10 1234", "--channel", "in-person", "--kind", "compliment",
                            "--category", "staff/attitude", "--text", "工作人员很热情", "--csat", "5", "--received-at", "2025-03-02", "--db", db).status == 0)
        #expect(try cordial("feedback", "add", "--customer", "crm:C-3", "--channel", "email", "--kind", "question", "--category", "check-in",
                            "--text", "Can I check in online?", "--received-at", "2025-03-03T10:00:00Z", "--db", db).status == 0)
        let missing = try cordial("feedback", "add", "--channel", "web", "--kind", "question", "--category", "check-in", "--text", "?", "--db", db)
        #expect(missing.status != 0 && missing.standardError.contains("name the customer (--customer) or give an anonymous contact"))

        let list = try cordial("feedback", "list", "--db", db)
        #expect(list.standardOutput == """
            CASE  RECEIVED    STATUS    KIND        CATEGORY        SEVERITY  FROM        OWNER
            FB-2  2025-03-03  received  question    check-in        medium    customer 3  -
            FB-1  2025-03-02  received  compliment  staff/attitude  medium    anonymous   -
            2 of 2 cases

            """, "\(list.standardOutput)")
        #expect(try cordial("feedback", "list", "--category", "staff", "--db", db).standardOutput.hasSuffix("1 of 1 case\n"))
        #expect(try cordial("feedback", "list", "--from", "2025-03-03", "--db", db).standardOutput.contains("FB-2"))
        #expect(try cordial("feedback", "list", "--to", "2025-03-02", "--kind", "compliment", "--limit", "1", "--db", db).standardOutput.hasSuffix("1 of 1 case\n"))
        // A question may be answered once acknowledged.
        #expect(try cordial("feedback", "update", "FB-2", "--status", "acknowledged", "--by", "1", "--db", db).status == 0)
        #expect(try cordial("feedback", "update", "FB-2", "--status", "resolved", "--by", "1", "--db", db).status == 0)
        #expect(try cordial("feedback", "list", "--open", "--db", db).standardOutput.hasSuffix("1 of 1 case\n"))
        #expect(try cordial("feedback", "list", "--unassigned", "--severity", "medium", "--db", db).standardOutput.hasSuffix("2 of 2 cases\n"))
        #expect(try cordial("feedback", "list", "--severity", "critical", "--db", db).standardOutput.hasSuffix("0 of 0 cases\n"))
        #expect(try cordial("feedback", "list", "--team", "airport", "--db", db).standardOutput.hasSuffix("0 of 0 cases\n"))
        let shown = try cordial("feedback", "show", "FB-1", "--db", db).standardOutput
        #expect(shown.contains("from      anonymous — Wang, +86 10 1234") && shown.contains("rated     CSAT 5/5"), "\(shown)")
    }

    /// The shipped ground-services standards on the care office's hours (UTC+7, Mon–Fri
    /// 08:00–12:00 and 13:00–17:30, Sat 08:00–12:00), read at chosen times.
    @Test func breachesListLateAndDueClocksOnWorkingHours() throws {
        let db = try store()
        // Friday 16:30 local: an urgent complaint (first contact due 17:30, at closing).
        #expect(try cordial("feedback", "add", "--customer", "crm:C-1", "--channel", "phone", "--kind", "complaint", "--category", "baggage/delayed",
                            "--severity", "high", "--text", "Hành lý trễ", "--received-at", "2025-03-07T09:30:00Z", "--db", db).status == 0)
        // Friday 17:00 local: a question (first contact within a business day: Saturday's closing, 12:00).
        #expect(try cordial("feedback", "add", "--customer", "crm:C-3", "--channel", "email", "--kind", "question", "--category", "check-in",
                            "--text", "Online check-in?", "--received-at", "2025-03-07T10:00:00Z", "--db", db).status == 0)
        // Thursday 09:00 local, contacted at once: nothing due soon.
        #expect(try cordial("feedback", "add", "--customer", "crm:C-2", "--channel", "web", "--kind", "complaint", "--category", "staff/attitude",
                            "--text", "态度不好", "--received-at", "2025-03-06T02:00:00Z", "--db", db).status == 0)
        #expect(try cordial("feedback", "update", "FB-3", "--status", "acknowledged", "--by", "1", "--db", db).status == 0)
        #expect(try cordial("feedback", "assign", "FB-1", "--to", "Trần Minh", "--team", "airport", "--by", "1", "--db", db).status == 0)

        let evening = try cordial("feedback", "breaches", "--at", "2025-03-07T10:45:00Z", "--db", db)
        #expect(evening.status == 0, "\(evening.standardError)")
        // FB-1 belongs to the airport team now, open until 23:00: first contact due 17:30 all the same.
        #expect(evening.standardOutput == """
            CASE  CLOCK          DUE               STATE        STANDARD           SEVERITY  OWNER      TEAM
            FB-1  first-contact  2025-03-07 17:30  late by 15m  urgent-complaints  high      Trần Minh  airport
            1 late, 0 due within 1h, of 3 cases under a standard (3 open or awaiting callback); times in Asia/Ho_Chi_Minh

            """, "\(evening.standardOutput)")
        let saturday = try cordial("feedback", "breaches", "--at", "2025-03-08T01:00:00Z", "--within", "8h", "--db", db)
        #expect(saturday.standardOutput.contains("FB-2  first-contact  2025-03-08 12:00  due in 4h 00m    questions"), "\(saturday.standardOutput)")
        let json = try cordial("feedback", "breaches", "--at", "2025-03-08T01:00:00Z", "--json", "--db", db)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect((decoded?["entries"] as? [Any])?.count == 1 && decoded?["time_zone"] as? String == "Asia/Ho_Chi_Minh")
        #expect(try cordial("feedback", "breaches", "--within", "2bd", "--db", db).standardError.contains("not a span of working time"))
    }

    /// An archive from another desk keeps its handling: its steps at their times, so the
    /// service standards read it as it was handled; a step out of order is refused at its cell.
    @Test func anArchiveIsImportedWithItsHandling() throws {
        let db = try store()
        let bad = try file("archive-bad.csv", """
            feedback_id,customer_id,received_at,channel,kind,category,text,acknowledged_at,resolved_at,closed_at
            T-1,C-1,2025-03-03T08:00:00Z,phone,complaint,delay/departure,Chuyến bay trễ,2025-03-03T08:20:00Z,2025-03-03T07:00:00Z,
            T-2,C-1,2025-03-03T09:00:00Z,phone,complaint,delay/departure,Trễ,yesterday,,

            """)
        let refused = try cordial("import", "feedback", bad, "--source", "desk", "--customer-source", "crm", "--db", db)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("archive-bad.csv:2: column 'resolved_at': is before acknowledged_at"), "\(refused.standardError)")
        #expect(refused.standardError.contains("archive-bad.csv:3: column 'acknowledged_at': 'yesterday' is not a time"), "\(refused.standardError)")
        let good = try file("archive.csv", """
            feedback_id,customer_id,received_at,channel,kind,category,text,acknowledged_at,resolved_at,followed_up_at,closed_at
            T-1,C-1,2025-03-03T08:00:00Z,phone,complaint,delay/departure,Chuyến bay trễ,2025-03-03T08:20:00Z,2025-03-04T10:00:00Z,2025-03-05T09:00:00Z,2025-03-05T09:30:00Z
            T-2,C-1,2025-03-03T09:00:00Z,phone,complaint,delay/departure,Trễ,2025-03-03T13:00:00Z,,,

            """)
        let imported = try cordial("import", "feedback", good, "--source", "desk", "--customer-source", "crm", "--db", db)
        #expect(imported.status == 0, "\(imported.standardError)")
        let shown = try cordial("feedback", "show", "FB-1", "--db", db).standardOutput
        #expect(shown.contains("closed") && shown.contains("followed-up") && shown.contains("archive"), "\(shown)")
        #expect(try cordial("feedback", "show", "FB-2", "--db", db).standardOutput.contains("acknowledged"))
    }

    @Test func aFileIsImportedWholeOrNotAtAllAndOnce() throws {
        let db = try store()
        let bad = try file("bad.csv", """
            feedback_id,customer_id,received_at,channel,kind,category,severity,text,csat
            T-1,C-1,2025-03-01T08:00:00Z,phone,complaint,delay/departure,high,Chuyến bay trễ ba tiếng,
            T-2,C-9,2025-03-01T09:00:00Z,email,complaint,baggage/lost,,Mất vali,
            T-3,C-2,2025-03-01,fax,complaint,lounge/food,low,Đồ ăn nguội,
            T-4,,2025-03-02,web,suggestion,lounge/wifi,,More sockets please,6

            """)
        let refused = try cordial("import", "feedback", bad, "--source", "desk", "--customer-source", "crm", "--db", db)
        #expect(refused.status == 1)
        let errors = refused.standardError
        #expect(errors.contains("bad.csv:4: column 'channel': 'fax' is not one of phone, email, web, in-person, social, letter"), "\(errors)")
        #expect(errors.contains("bad.csv:5: column 'category': no feedback category 'lounge/wifi' under 'lounge'; known: lounge/access, lounge/cleanliness, lounge/food"), "\(errors)")
        #expect(errors.contains("bad.csv:5: column 'csat': '6' is not a whole number from 1 to 5"), "\(errors)")
        #expect(errors.contains("bad.csv:5: column 'customer_id': names no customer, and the row has no contact"), "\(errors)")
        #expect(!errors.contains("Chuyến bay") && !errors.contains("Mất vali"), "no customer's words in errors")
        let shifted = try file("shifted.csv", """
            received_at,channel,kind,text,category
            2025-02-30T08:00:00Z,phone,complaint,delay/departure,My passport number is X1234567
            2099-01-01,phone,complaint,My card 4111 1111 1111 1111,delay/departure

            """)
        let moved = try cordial("import", "feedback", shifted, "--db", db)
        #expect(moved.status == 1)
        #expect(moved.standardError.contains("shifted.csv:2: column 'category': a text of 30 characters is not a category (are the columns in their order?)"), "\(moved.standardError)")
        #expect(moved.standardError.contains("shifted.csv:2: column 'received_at': '2025-02-30T08:00:00Z' is not a time"), "\(moved.standardError)")
        #expect(moved.standardError.contains("shifted.csv:3: column 'received_at': '2099-01-01' is in the future"), "\(moved.standardError)")
        #expect(!moved.standardError.contains("X1234567") && !moved.standardError.contains("4111"), "\(moved.standardError)")
        let unknownCustomer = try file("unknown.csv", """
            feedback_id,customer_id,received_at,channel,kind,category,text
            T-1,C-1,2025-03-01T08:00:00Z,phone,complaint,delay/departure,Chuyến bay trễ ba tiếng
            T-2,C-9,2025-03-01T09:00:00Z,email,complaint,baggage/lost,Mất vali

            """)
        let unknown = try cordial("import", "feedback", unknownCustomer, "--source", "desk", "--customer-source", "crm", "--db", db)
        #expect(unknown.status == 1 && unknown.standardError.contains("unknown.csv:3: column 'customer_id': no customer 'C-9' from source 'crm'"), "\(unknown.standardError)")
        #expect(try cordial("feedback", "list", "--db", db).standardOutput.hasSuffix("0 of 0 cases\n"), "nothing was written")

        let misspelt = try file("misspelt.jsonl", """
            {"feedback_id": "T-1", "customer_id": "C-1", "received_at": "2025-03-01T08:00:00Z", "channel": "phone", "kind": "complaint", "category": "delay/departure", "text": "Trễ"}
            {"feedback_id": "T-2", "customer_id": "C-1", "received_at": "2025-03-01T09:00:00Z", "channel": "phone", "kind": "complaint", "category": "delay/departure", "severty": "high", "text": "Trễ"}

            """)
        let typo = try cordial("import", "feedback", misspelt, "--source", "desk", "--customer-source", "crm", "--db", db)
        #expect(typo.status == 1 && typo.standardError.contains("misspelt.jsonl:2: unknown key 'severty' (known: "), "a misspelt key is not dropped unseen: \(typo.standardError)")
        #expect(try cordial("feedback", "list", "--db", db).standardOutput.hasSuffix("0 of 0 cases\n"))

        let good = try file("good.jsonl", """
            {"feedback_id": "T-1", "customer_id": "C-1", "received_at": "2025-03-01T08:00:00Z", "channel": "phone", "kind": "complaint", "category": "delay/departure", "severity": "high", "text": "Chuyến bay trễ ba tiếng", "language": "vi"}
            {"feedback_id": "T-2", "contact_email": "guest@example.com", "received_at": "2025-03-01T09:00:00Z", "channel": "in_person", "kind": "compliment", "category": "staff/attitude", "text": "谢谢", "csat": 5, "nps": 10}

            """)
        let imported = try cordial("import", "feedback", good, "--source", "desk", "--customer-source", "crm", "--db", db)
        #expect(imported.status == 0 && imported.standardOutput.hasSuffix("good.jsonl: added 2 cases, 0 already present\nhooks: 2 run (1 change to cases)\n"),
                "the shipped plugin routes the high-severity one: \(imported.standardOutput)\(imported.standardError)")
        let again = try cordial("import", "feedback", good, "--source", "desk", "--customer-source", "crm", "--db", db)
        #expect(again.standardOutput.hasSuffix("good.jsonl: added 0 cases, 2 already present\n"))
        let dry = try cordial("import", "feedback", good, "--source", "other", "--customer-source", "crm", "--dry-run", "--db", db)
        #expect(dry.standardOutput.hasSuffix("2 cases read; nothing written (--dry-run)\n"))
        #expect(try cordial("feedback", "list", "--db", db).standardOutput.hasSuffix("2 of 2 cases\n"))
        #expect(try cordial("feedback", "show", "FB-2", "--db", db).standardOutput.contains("by in-person"))
    }
}
