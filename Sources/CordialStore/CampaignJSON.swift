import Foundation

/// The JSON both backends keep a plan's limits, summary and approval and a part's outcome
/// in (sorted keys, ISO 8601 times; amounts as JSON numbers, which Foundation reads back
/// exactly as `Decimal`).
package enum CampaignJSON {
    package static func text<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    package static func value<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }
}
