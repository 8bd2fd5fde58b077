import Foundation
import Testing

/// `cordial init`, `import transactions` and `customers` as a user runs them.
@Suite final class CustomerCommandTests {
    let database = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-cli-\(UUID().uuidString).sqlite").path
    /// Files this test wrote, removed when it ends.
    private var files: [String] = []

    deinit {
        for file in files + [database, database + "-wal", database + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
    }

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome {
        try RunCommandTests.cordial(arguments + ["--db", database])
    }

    func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cdnow-\(UUID().uuidString).txt")
        try text.write(to: url, atomically: true, encoding: .utf8)
        files.append(url.path)
        return url.path
    }

    @Test func aMissingStoreIsAnErrorNotAnEmptyStore() throws {
        let outcome = try cordial("customers", "list")
        #expect(outcome.status == 1)
        #expect(outcome.standardError == "Error: no store at \(database); create one with `cordial init`\n")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    /// A name holding terminal escapes (colour, cursor movement) and a bidirectional override
    /// is shown with them as visible escapes by `customers list` and `customers show`.
    @Test func dataCannotSendEscapesToTheTerminal() throws {
        #expect(try cordial("init").status == 0)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("customers-\(UUID().uuidString).csv")
        try "id,given_name,family_name,tier\nC-1,\u{1B}[2J\u{1B}[31mAn,Lê\u{202E}gnp.exe,gold\u{07}\n".write(to: url, atomically: true, encoding: .utf8)
        files.append(url.path)
        let imported = try cordial("import", "customers", url.path, "--source", "crm")
        #expect(imported.status == 0, "\(imported.standardError)")
        for arguments in [["customers", "list"], ["customers", "show", "crm:C-1"]] {
            let outcome = try RunCommandTests.cordial(arguments + ["--db", database])
            #expect(outcome.status == 0)
            let scalars = outcome.standardOutput.unicodeScalars
            #expect(!scalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E }, "\(arguments)")
            #expect(outcome.standardOutput.contains("\\x1B[31mAn"), "\(outcome.standardOutput)")
        }
    }

    @Test func importListAndShow() throws {
        #expect(try cordial("init").status == 0)
        let data = try file("00001 19970101 1 11.77\n00002 19970112 1 12.00\n00001 19970301 2 20.23\n")
        let dry = try cordial("import", "transactions", data, "--dry-run")
        #expect(dry.standardOutput.contains("would add 3 purchases"))
        #expect(try cordial("customers", "list").standardOutput.contains("0 of 0 customers"))
        let imported = try cordial("import", "transactions", data)
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(imported.standardOutput.contains("added 3 purchases (0 already present), created 2 customers"))
        let list = try cordial("customers", "list")
        #expect(list.standardOutput.contains("2 of 2 customers"))
        let shown = try cordial("customers", "show", "cdnow:00001", "--json")
        let json = try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any]
        let purchases = json?["purchases"] as? [String: Any]
        #expect(purchases?["count"] as? Int == 2)
        #expect("\(purchases?["total"] ?? "")" == "32")
        let unknown = try cordial("customers", "show", "cdnow:99999")
        #expect(unknown.status == 1)
        #expect(unknown.standardError == "Error: no customer 'cdnow:99999'\n")
    }

    /// `customers show` gives every part of the file — contact, address, birthday, free
    /// attributes, current segment labels, totals per currency — and says "(none)" rather
    /// than printing an empty part.
    @Test func showGivesTheWholeFile() throws {
        func file(_ text: String) throws -> String {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("show-\(UUID().uuidString).csv")
            try text.write(to: url, atomically: true, encoding: .utf8)
            files.append(url.path)
            return url.path
        }
        #expect(try cordial("init").status == 0)
        let customers = try file("""
            external_id,given_name,family_name,honorific,emails,phones,address,city,region,country,birthday,locale,tier,tags,preferred_channel
            C-1,Thị Lan,Nguyễn,Chị,lan@example.vn,+84 90 123 4567,12 Hàng Bạc,Hà Nội,Miền Bắc,VN,1990-09-14,vi,gold,vip|trà,visit
            C-2,伟,王,,,,,,,,,zh,,,

            """)
        #expect(try cordial("import", "customers", customers, "--source", "crm").status == 0)
        let purchases = try file("""
            order_id,customer_id,date,amount,currency
            A-1,C-1,2024-03-01,1250000,VND
            A-2,C-1,2024-04-02,2500000.5,VND
            A-3,C-1,2024-05-03,12.50,USD

            """)
        #expect(try cordial("import", "transactions", purchases, "--source", "crm").status == 0)
        let plugins = try PluginFolder()
        try plugins.segmentPlugin("lifecycle", body: "return c.purchases.count > 0 and 'active' or 'prospect'")
        #expect(try RunCommandTests.cordial(["segments", "run", "--as-of", "2024-06-01", "--plugins", plugins.root.path, "--db", database]).status == 0)

        let lan = try cordial("customers", "show", "crm:C-1")
        #expect(lan.status == 0)
        #expect(lan.standardOutput == """
            id         1  (crm:C-1)
            name       Nguyễn Thị Lan  (Chị Lan)
            locale     vi   tier gold
            tags       vip, trà
            email      lan@example.vn
            phone      +84 90 123 4567
            address    12 Hàng Bạc, Hà Nội, Miền Bắc, VN
            birthday   1990-09-14
            attributes preferred_channel visit
            segments   lifecycle active
            purchases  3, total 12.5 USD, 3,750,000.5 VND, first 2024-03-01, last 2024-05-03
            consent    no answers (every channel allowed)

            """)
        let wei = try cordial("customers", "show", "crm:C-2")
        #expect(wei.standardOutput == """
            id         2  (crm:C-2)
            name       王伟
            locale     zh   tier -
            tags       (none)
            email      (none)
            phone      (none)
            address    (none)
            birthday   -
            attributes (none)
            segments   lifecycle prospect
            purchases  0, total 0, first -, last -
            consent    no answers (every channel allowed)

            """)
    }

    /// `customers export --segment SEG:LABEL`: one segment's members with their contact
    /// details, as the importer reads them; an unknown segment or label names the known ones.
    @Test func exportGivesOneSegmentsMembers() throws {
        #expect(try cordial("init").status == 0)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("members-\(UUID().uuidString).csv")
        files.append(url.path)
        try """
            external_id,given_name,family_name,emails,phones,city,tier
            C-1,Lan,Nguyễn,lan@example.vn,+84 90 123 4567,Hà Nội,gold
            C-2,伟,王,wei@example.cn,,上海,
            C-3,Emily,Carter,,+44 20 7946 0000,London,gold

            """.write(to: url, atomically: true, encoding: .utf8)
        #expect(try cordial("import", "customers", url.path, "--source", "crm").status == 0)
        let plugins = try PluginFolder()
        try plugins.segmentPlugin("tiers", labels: "{ 'gold', 'other' }", body: "return c.tier == 'gold' and 'gold' or 'other'")
        #expect(try RunCommandTests.cordial(["segments", "run", "--as-of", "2024-06-01", "--plugins", plugins.root.path, "--db", database]).status == 0)

        let gold = try cordial("customers", "export", "--segment", "tiers:gold")
        #expect(gold.status == 0, "\(gold.standardError)")
        #expect(gold.standardOutput.replacingOccurrences(of: "\r\n", with: "\n") == """
            external_id,given_name,family_name,honorific,emails,phones,address,city,region,postal_code,country,birthday,locale,tier,tags
            C-1,Lan,Nguyễn,,lan@example.vn,+84 90 123 4567,,Hà Nội,,,,,en,gold,
            C-3,Emily,Carter,,,+44 20 7946 0000,,London,,,,,en,gold,

            """)
        let members = try cordial("customers", "export", "--segment", "tiers", "--format", "jsonl")
        #expect(members.standardOutput.split(separator: "\n").count == 3)

        let unknown = try cordial("customers", "export", "--segment", "tier")
        #expect(unknown.status == 1 && unknown.standardError == "Error: no segment 'tier' has been run (known: tiers)\n", "\(unknown.standardError)")
        let label = try RunCommandTests.cordial(["customers", "export", "--segment", "tiers:golden", "--plugins", plugins.root.path, "--db", database])
        #expect(label.status == 1 && label.standardError == "Error: segment 'tiers' has no label 'golden' (known: gold, other)\n", "\(label.standardError)")
    }

    @Test func aBadFileWritesNothingAndSaysWhere() throws {
        #expect(try cordial("init").status == 0)
        let data = try file("00001 19970101 1 11.77\n00002 19971301 1 12.00\n")
        let outcome = try cordial("import", "transactions", data)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains(":2: column 'date': '19971301' is not a date (YYYYMMDD)"))
        #expect(try cordial("customers", "list").standardOutput.contains("0 of 0 customers"))
    }
}
