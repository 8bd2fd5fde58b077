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
            "customers.csv:2: column 'birthday': is not a date",
            "customers.csv:3: column 'email': is not an e-mail address",
            "customers.csv:4: column 'birthday': is ambiguous (day/month or month/day?); name the order with --date-format dmy or mdy",
            "customers.csv:6: column 'birthday': is not a date",
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
        #expect(wrongOrder.issues.first?.description == "customers.csv:3: column 'birthday': is not a date")
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
            "customers.csv:3: column 'email': is not an e-mail address",
            "customers.csv:4: not a JSON object",
        ])
        let good = text.replacingOccurrences(of: "[1, 2]", with: "").replacingOccurrences(of: "not-an-email", with: "b@example.cn")
        let customers = try batch(good, format: .jsonl).customers
        #expect(customers.first?.tags == ["vip", "tet"])
        #expect(customers.first?.attributes["points"] == .integer(120), "a JSON number stays a number")
        #expect(customers.last?.emails == ["b@example.cn"])
    }

    /// Ids are text as written: two 40-digit numbers that differ after digit 38 are two
    /// customers; a boolean stays a boolean as a free attribute and is refused as a field.
    @Test func jsonValuesKeepTheirTypeAndDigits() throws {
        let text = """
            {"id": 1234567890123456789012345678901234567891, "vip": true, "score": 1.50, "big": 123456789012345678901234567890}
            {"id": 1234567890123456789012345678901234567892, "vip": false, "ratio": 2.5e3}
            """
        let customers = try batch(text, format: .jsonl).customers
        #expect(customers.map(\.externalID) == ["1234567890123456789012345678901234567891", "1234567890123456789012345678901234567892"])
        #expect(customers[0].attributes["vip"] == .bool(true))
        #expect(customers[1].attributes["vip"] == .bool(false))
        #expect(customers[0].attributes["score"] == .number(1.5))
        #expect(customers[0].attributes["big"] == .string("123456789012345678901234567890"), "not rounded to a double")
        #expect(customers[1].attributes["ratio"] == .number(2500))

        let refused = try #require(throws: ImportError.self) {
            try batch("""
                {"id": true}
                {"id": "C-2", "tier": {"a": 1}}
                {"id": "C-3", "tags": [["x"]]}
                {"id": "C-4", "id": "C-5"}
                {"id": +5}
                """, format: .jsonl)
        }
        #expect(refused.issues.map(\.description) == [
            "customers.csv:1: column 'id': is a boolean; expected text, a number or a list of them",
            "customers.csv:2: column 'tier': is an object; expected text, a number or a list of them",
            "customers.csv:3: column 'tags': is a nested list; expected text, a number or a list of them",
            "customers.csv:4: the key 'id' appears twice",
            "customers.csv:5: not a JSON object",
        ])
    }

    /// A broken surrogate escape is a bad line, not a crash; a byte-order mark before the
    /// first line is skipped; an object attribute is kept whole.
    @Test func jsonLinesEdgesAreReadOrRefusedAtTheirLine() throws {
        let broken = try #require(throws: ImportError.self) {
            try batch("{\"id\": \"C-1\", \"name\": \"\\uD800\\u0041\"}\n{\"id\": \"C-2\", \"name\": \"\\uD800\\uE000\"}\n{\"id\": \"C-3\", \"name\": \"\\uDC00\"}\n", format: .jsonl)
        }
        #expect(broken.issues.map(\.description) == [
            "customers.csv:1: not a JSON object", "customers.csv:2: not a JSON object", "customers.csv:3: not a JSON object",
        ])
        let customers = try batch("\u{FEFF}{\"id\": \"C-1\", \"prefs\": {\"news\": true}, \"name\": \"\\uD83D\\uDE00\"}\n", format: .jsonl).customers
        #expect(customers.first?.externalID == "C-1")
        #expect(customers.first?.attributes["prefs"] == .object(["news": .bool(true)]))
        #expect(customers.first?.attributes["name"] == .string("😀"))
    }

    /// Files past the documented limits are refused at their line before they are held in
    /// memory: a header of 200,000 columns, a field over 64 KiB, a record over 1 MiB, too
    /// many free attributes, JSON nested too deep or a JSON line over 1 MiB.
    @Test func filesPastTheLimitsAreRefusedAtTheirLine() throws {
        let wide = "id," + (1...200_000).map { "c\($0)" }.joined(separator: ",") + "\nC-1\n"
        let tooWide = try #require(throws: ImportError.self) { try batch(wide) }
        #expect(tooWide.issues.map(\.description) == ["customers.csv:1: more than \(ImportLimits.fields) columns"])

        let longField = "id,note\nC-1,ok\nC-2,\"" + String(repeating: "é", count: ImportLimits.fieldBytes) + "\"\n"
        let tooLong = try #require(throws: ImportError.self) { try batch(longField) }
        #expect(tooLong.issues.map(\.description) == ["customers.csv:3: a field longer than 64 KiB"])
        let atTheLimit = "id,note\nC-1," + String(repeating: "a", count: ImportLimits.fieldBytes) + "\n"
        #expect(try batch(atTheLimit).customers.first?.attributes["note"] == .string(String(repeating: "a", count: ImportLimits.fieldBytes)))

        let longRecord = "id,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\nC-1"
            + String(repeating: "," + String(repeating: "x", count: 65_000), count: 17) + "\n"
        let tooBig = try #require(throws: ImportError.self) { try batch(longRecord) }
        #expect(tooBig.issues.map(\.description) == ["customers.csv:2: a record longer than 1 MiB"])

        let columns = (1...(ImportLimits.attributes + 1)).map { "a\($0)" }
        let manyAttributes = "id," + columns.joined(separator: ",") + "\nC-1," + columns.map { _ in "x" }.joined(separator: ",") + "\n"
        let tooMany = try #require(throws: ImportError.self) { try batch(manyAttributes) }
        #expect(tooMany.issues.map(\.description) == ["customers.csv:2: 201 free attributes; at most 200"])

        let deep = "{\"id\": \"C-1\", \"x\": " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}\n"
            + "{\"id\": \"C-2\", \"note\": \"" + String(repeating: "x", count: ImportLimits.recordBytes) + "\"}\n"
        let tooDeep = try #require(throws: ImportError.self) { try batch(deep, format: .jsonl) }
        #expect(tooDeep.issues.map(\.description) == [
            "customers.csv:1: arrays or objects nested deeper than \(ImportLimits.nesting)",
            "customers.csv:2: a line longer than 1 MiB",
        ])
    }

    /// Messages quote no e-mail address or birthday, and what they do quote from a file
    /// (a header) reaches the terminal without its control characters.
    @Test func messagesCarryNoPersonalDataNorEscapes() throws {
        let text = "id,email,birthday,\u{1B}[31mred\u{1B}[0m\nC-1,lan.nguyen@,1990-02-30,x\nC-1,a@b.vn,,y\n"
        let error = try #require(throws: ImportError.self) { try batch(text) }
        let shown = error.issues.map(\.description).joined(separator: "\n")
        #expect(!shown.contains("lan.nguyen") && !shown.contains("1990"))
        #expect(!shown.unicodeScalars.contains { $0.value == 0x1B })
        #expect(error.issues.count == 3)
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
