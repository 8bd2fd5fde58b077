import CordialCore

/// How a customer's list, address, attribute and birthday columns read back, whichever
/// database holds them (SQLite and PostgreSQL store the same canonical text, ``JSONText``).
/// `column` names the column in the error when the stored text is not what this version reads.
package enum StoredCustomerText {
    package struct Corrupt: Error, CustomStringConvertible {
        package var column: String
        package init(column: String) { self.column = column }
        package var description: String { "customer column '\(column)' holds a value this version cannot read" }
    }

    /// A customer's stored text, column by column: source, external id, given and family
    /// name, honorific, emails, phones, address, city, region, birthday, birth month-day,
    /// locale, tier, tags, attributes (the lists, the address and the attributes as
    /// canonical JSON, which an upsert compares to see whether anything changed).
    package static func texts(of customer: Customer) -> [String?] {
        var texts = StoredTexts()
        append(customer, to: &texts)
        return (0..<texts.count).map { texts.string(at: $0) }
    }

    /// The ``columnCount`` values of ``texts(of:)`` appended to `texts`: how imports encode
    /// their rows.
    package static func append(_ customer: Customer, to texts: inout StoredTexts) {
        let before = texts.count
        defer { assert(texts.count - before == columnCount, "columnCount is not what append writes") }
        texts.append(customer.source)
        texts.append(customer.externalID)
        texts.append(customer.name.given)
        texts.append(customer.name.family)
        texts.append(customer.honorific)
        texts.append { JSONText.appendStrings(customer.emails, to: &$0) }
        texts.append { JSONText.appendStrings(customer.phones, to: &$0) }
        if let address = customer.address {
            texts.append { JSONText.appendAddress(address, to: &$0) }
        } else {
            texts.append(nil)
        }
        texts.append(customer.address?.city)
        texts.append(customer.address?.region)
        texts.append(customer.birthday?.description)
        texts.append(customer.birthday?.monthDay)
        texts.append(customer.locale)
        texts.append(customer.tier)
        texts.append { JSONText.appendStrings(customer.tags, to: &$0) }
        texts.append { JSONText.appendObject(customer.attributes, to: &$0) }
    }

    /// How many values ``append(_:to:)`` appends per customer.
    package static let columnCount = 16

    /// `emails`, `phones`, `tags`: a JSON list of strings.
    package static func strings(_ bytes: UnsafeBufferPointer<UInt8>, column: String) throws -> [String] {
        do { return try JSONTextParser.strings(bytes) } catch { throw Corrupt(column: column) }
    }

    package static func address(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Address {
        var address = Address()
        do {
            try JSONTextParser.object(bytes) { key, parser in
                switch key {
                case "lines": address.lines = try parser.stringList()
                case "city": address.city = try parser.string()
                case "region": address.region = try parser.string()
                case "postalCode": address.postalCode = try parser.string()
                case "country": address.country = try parser.string()
                default: _ = try parser.anyValue()
                }
            }
        } catch { throw Corrupt(column: "address") }
        return address
    }

    package static func attributes(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [String: JSONValue] {
        if bytes.count == 2 && bytes[0] == UInt8(ascii: "{") { return [:] }
        var attributes: [String: JSONValue] = [:]
        do {
            try JSONTextParser.object(bytes) { key, parser in attributes[key] = try parser.anyValue() }
        } catch { throw Corrupt(column: "attributes") }
        return attributes
    }

    /// "1990-02-28" or "--02-28".
    package static func birthday(_ bytes: UnsafeBufferPointer<UInt8>) -> Birthday? {
        switch bytes.count {
        case 10:
            guard let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]) else { return nil }
            return Birthday(year: year, month: month, day: day)
        case 7:
            guard let month = number(bytes[2..<4]), let day = number(bytes[5..<7]) else { return nil }
            return Birthday(year: nil, month: month, day: day)
        default:
            return nil
        }
    }

    /// Decimal digits as a number; nil for anything else.
    package static func number(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
