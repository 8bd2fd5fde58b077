import Cordial
import CordialCore
import CordialStore
import Foundation
import Testing

@Suite struct CustomerImportTests {
    func batch(_ text: String, format: CustomerImporter.Format = .csv, order: CustomerImporter.DateOrder? = nil,
               mapping: [String: String] = [:]) throws(ImportError) -> ImportBatch {
        try CustomerImporter(source: "crm", mapping: mapping, dateOrder: order)
            .batch(from: Data(text.utf8), format: format, fileName: "customers.csv")
    }

    @Test func csvWithQuotesNewlinesBOMAndSemicolons() throws {
        let text = "\u{FEFF}id;first_name;last_name;email;tags;note\r\n"
            + "C-1;Lan;Nguyễn;lan@example.vn;vip|tet;\"line one\nline \"\"two\"\"\"\r\n"
            + "C-2;伟;王;;;\r\n"
        let customers = try batch(text).customers
        #expect(customers.map(\.externalID) == ["C-1", "C-2"])
        #expect(customers[0].tags == ["vip", "tet"])
        #expect(customers[0].attributes["note"] == .string("line one\nline \"two\""))
        #expect(customers[1].name == PersonName(given: "伟", family: "王"))
        #expect(customers[1].emails.isEmpty)
    }

    @Test func everyBadRowIsListedWithLineAndColumn() throws {
        let text = """
            id,first_name,email,birthday
            C-1,An,an@example.vn,31/02/1990
            C-2,Bình,"binh at example",1990-01-02
            "C-3,with
            a newline in the id",Chi,,03/04/1990
            C-4,Dũng,,1990-13-01
            C-1,Again,,
            C-5,Too,many,fields,here
            """
        let error = try #require(throws: ImportError.self) { try batch(text) }
        #expect(error.issues.map(\.description) == [
            "customers.csv:2: column 'birthday': '31/02/1990' is not a date",
            "customers.csv:3: column 'email': 'binh at example' is not an e-mail address",
            "customers.csv:4: column 'birthday': '03/04/1990' is ambiguous (day/month or month/day?); name the order with --date-format dmy or mdy",
            "customers.csv:6: column 'birthday': '1990-13-01' is not a date",
            "customers.csv:7: column 'id': 'C-1' already appears on line 2",
            "customers.csv:8: expected 4 fields as in the header, found 5",
        ])
        #expect(error.total == 6)
    }

    @Test func theDateOrderResolvesAmbiguousDates() throws {
        let text = "id,birthday\nC-1,03/04/1990\nC-2,25.12\n"
        #expect(try batch(text, order: .dmy).customers.map(\.birthday) == [Birthday(year: 1990, month: 4, day: 3), Birthday(year: nil, month: 12, day: 25)])
        #expect(try batch("id,birthday\nC-1,03/04/1990\n", order: .mdy).customers.first?.birthday == Birthday(year: 1990, month: 3, day: 4))
        let wrongOrder = try #require(throws: ImportError.self) { try batch(text, order: .mdy) }
        #expect(wrongOrder.issues.first?.description == "customers.csv:3: column 'birthday': '25.12' is not a date")
    }

    @Test func brokenCSVIsALocatedError() throws {
        let unterminated = try #require(throws: ImportError.self) { try batch("id,name\nC-1,\"open\nC-2,x\n") }
        #expect(unterminated.issues.first?.description == "customers.csv:2: a quoted field is never closed")
        var bytes = Array("id,name\nC-1,ok\nC-2,".utf8)
        bytes += [0xC3, 0x28, 0x0A]
        let invalid = try #require(throws: ImportError.self) {
            try CustomerImporter().batch(from: Data(bytes), format: .csv, fileName: "customers.csv")
        }
        #expect(invalid.issues.first?.description == "customers.csv:3: not valid UTF-8")
        let nul = try #require(throws: ImportError.self) { try batch("id,name,note\nC-1,ok,\nC-2,Lan\u{0}x,\n") }
        #expect(nul.issues.map(\.description) == ["customers.csv:3: column 'name': holds a NUL character (U+0000)"])
        let nulInJSON = try #require(throws: ImportError.self) {
            try CustomerImporter().batch(from: Data("{\"id\": \"C-1\", \"note\": \"a\\u0000b\"}\n".utf8), format: .jsonl, fileName: "c.jsonl")
        }
        #expect(nulInJSON.issues.map(\.description) == ["c.jsonl:1: column 'note': holds a NUL character (U+0000)"])
        let noID = try #require(throws: ImportError.self) { try batch("name,email\nAn,a@b.vn\n") }
        #expect(noID.issues.first?.description.hasPrefix("customers.csv:1: no column for 'external_id' (columns: name, email)") == true)
    }

    @Test func mappingNamesColumns() throws {
        let text = "Mã KH,Họ,Tên\nVN-1,Trần,Bảo\n"
        let customers = try batch(text, mapping: ["external_id": "Mã KH", "family_name": "Họ", "given_name": "Tên"]).customers
        #expect(customers.first?.externalID == "VN-1")
        #expect(customers.first?.name.display(locale: "vi") == "Trần Bảo")
        let wrong = try #require(throws: ImportError.self) { try batch(text, mapping: ["external_id": "Mã"]) }
        #expect(wrong.issues.first?.description.contains("the mapping names column 'Mã' for 'external_id'") == true)
    }

    @Test func jsonLines() throws {
        let text = """
            {"id": "C-1", "first_name": "Lan", "tags": ["vip", "tet"], "birthday": "--01-29", "points": 120}

            {"id": "C-2", "email": "not-an-email"}
            [1, 2]
            """
        let error = try #require(throws: ImportError.self) { try batch(text, format: .jsonl) }
        #expect(error.issues.map(\.description) == [
            "customers.csv:3: column 'email': 'not-an-email' is not an e-mail address",
            "customers.csv:4: not a JSON object",
        ])
        let good = text.replacingOccurrences(of: "[1, 2]", with: "").replacingOccurrences(of: "not-an-email", with: "b@example.cn")
        let customers = try batch(good, format: .jsonl).customers
        #expect(customers.first?.tags == ["vip", "tet"])
        #expect(customers.first?.attributes["points"] == .string("120"))
        #expect(customers.last?.emails == ["b@example.cn"])
    }

    /// A file longer than one batch streams through the store in several; a bad row near the
    /// end still leaves the store as it was, and a dry run writes nothing either.
    @Test func aLongFileIsAllOrNothingAcrossBatches() async throws {
        let store = try await StoreLocation.temporary()
        try await store.migrate()
        var lines = ["id,first_name,birthday"]
        for number in 1...5_000 { lines.append("C-\(number),Khách \(number),1990-01-\(number % 28 + 1)") }
        let good = lines.joined(separator: "\n")
        var bad = lines
        bad[4_900] = "C-4900,Khách,1990-02-30"
        let importer = CustomerImporter(source: "crm")
        await #expect(throws: ImportError.self) {
            try await store.apply(try importer.reader(data: Data(bad.joined(separator: "\n").utf8), format: .csv, fileName: "big.csv"), dryRun: false)
        }
        #expect(try await store.countCustomers() == 0)
        let dry = try await store.apply(try importer.reader(data: Data(good.utf8), format: .csv, fileName: "big.csv"), dryRun: true)
        #expect(dry.customersCreated == 5_000)
        #expect(try await store.countCustomers() == 0)
        let real = try await store.apply(try importer.reader(data: Data(good.utf8), format: .csv, fileName: "big.csv"), dryRun: false)
        #expect(real.customersCreated == 5_000)
        #expect(try await store.customer(source: "crm", externalID: "C-4999")?.birthday == Birthday(year: 1990, month: 1, day: 16))
        let again = try await store.apply(try importer.reader(data: Data(good.utf8), format: .csv, fileName: "big.csv"), dryRun: false)
        #expect(again.customersUnchanged == 5_000)
    }

    @Test func anUpsertImportIntoTheStore() async throws {
        let store = try await StoreLocation.temporary()
        try await store.migrate()
        let first = try await store.apply(try batch("id,first_name,tier\nC-1,Lan,gold\nC-2,An,\n"), dryRun: false)
        #expect(first.customersCreated == 2)
        let second = try await store.apply(try batch("id,first_name,tier\nC-1,Lan,platinum\nC-2,An,\n"), dryRun: false)
        #expect(second.customersUpdated == 1)
        #expect(second.customersUnchanged == 1)
        #expect(try await store.customer(source: "crm", externalID: "C-1")?.tier == "platinum")
    }
}
