import CordialCore
import Foundation

/// The demo organisation's feedback, as the ground-services plugin files it: a year of
/// cases (2024), Pareto-shaped over the categories (a few causes make most complaints), in
/// each customer's language, some anonymous, some with CSAT and NPS answers, and handled as
/// a desk handles them: most acknowledged within the hour, some late (nights, weekends),
/// resolved within days, complaints followed up and closed; the cases of the year's last days
/// still open at their steps. The same seed gives the same file.
public struct DemoFeedback {
    public var seed: UInt64
    /// Customers cases are about: D0000001 up to this.
    public var customers: Int

    public init(seed: UInt64 = 42, customers: Int) {
        self.seed = seed
        self.customers = customers
    }

    /// The columns ``write(count:to:)`` writes (what `import feedback` reads).
    public static let columns = [
        "feedback_id", "customer_id", "contact_name", "contact_email", "received_at", "channel", "kind", "category", "severity", "text", "language",
        "csat", "nps", "acknowledged_at", "resolved_at", "followed_up_at", "closed_at",
    ]

    /// 2024-12-31T00:00:00Z: the archive's end; no step is later.
    static let end: TimeInterval = 1_735_603_200

    /// Categories with their weights: a Zipf-like fall, so that four or five of them make 80 %.
    static let categories: [(String, Int)] = [
        ("delay/departure", 300), ("baggage/delayed", 180), ("check-in/queue", 130), ("staff/attitude", 95), ("delay/connection", 70),
        ("baggage/damaged", 55), ("boarding/gate-change", 45), ("information/announcements", 35), ("baggage/lost", 28), ("check-in/documents", 22),
        ("lounge/food", 18), ("staff/knowledge", 15), ("special-assistance/wheelchair", 12), ("baggage/fees", 10), ("information/app", 9),
        ("boarding/queue", 8), ("check-in/online", 7), ("lounge/access", 6), ("staff/language", 5), ("delay/arrival", 5),
    ]

    /// What passengers write, per top category and language.
    static let texts: [String: [String: [String]]] = [
        "delay": [
            "vi": ["Chuyến bay bị hoãn ba tiếng mà không ai thông báo.", "Tôi lỡ chuyến nối vì chuyến bay đến trễ."],
            "zh": ["航班延误了三个小时，没有任何通知。", "因为航班晚点，我错过了转机。"],
            "en": ["The flight was delayed three hours and nobody told us why.", "I missed my connection because the flight arrived late."],
        ],
        "baggage": [
            "vi": ["Hành lý của tôi đến trễ hai ngày.", "Vali bị vỡ bánh xe khi nhận ở băng chuyền."],
            "zh": ["我的行李晚到了两天。", "行李箱在转盘上取回时轮子坏了。"],
            "en": ["My suitcase arrived two days late.", "The wheel of my suitcase was broken at the carousel."],
        ],
        "check-in": [
            "vi": ["Xếp hàng làm thủ tục gần một tiếng.", "Nhân viên không chấp nhận giấy tờ hợp lệ của tôi."],
            "zh": ["办理登机手续排了将近一个小时的队。", "工作人员不接受我的有效证件。"],
            "en": ["We queued almost an hour at check-in.", "The agent would not accept my valid documents."],
        ],
        "staff": [
            "vi": ["Nhân viên quầy thái độ không lịch sự.", "Chị nhân viên rất nhiệt tình, cảm ơn!"],
            "zh": ["柜台工作人员态度不礼貌。", "工作人员非常热情，谢谢！"],
            "en": ["The desk agent was rude to us.", "The staff member was very helpful, thank you!"],
        ],
        "boarding": [
            "vi": ["Cửa ra máy bay đổi mà không thông báo.", "Lên máy bay rất lộn xộn."],
            "zh": ["登机口变更没有广播。", "登机秩序很混乱。"],
            "en": ["The gate changed without any announcement.", "Boarding was chaotic."],
        ],
        "information": [
            "vi": ["Thông báo trong nhà ga nghe không rõ.", "Ứng dụng không hiển thị giờ bay mới."],
            "zh": ["航站楼的广播听不清楚。", "应用程序没有显示新的航班时间。"],
            "en": ["The announcements in the terminal were impossible to hear.", "The app did not show the new departure time."],
        ],
        "lounge": [
            "vi": ["Đồ ăn trong phòng chờ nguội.", "Tôi bị từ chối vào phòng chờ dù có thẻ."],
            "zh": ["贵宾室的食物是凉的。", "我有会员卡却被拒绝进入贵宾室。"],
            "en": ["The food in the lounge was cold.", "I was refused entry to the lounge despite my card."],
        ],
        "special-assistance": [
            "vi": ["Xe lăn đến muộn bốn mươi phút.", "Không có ai hỗ trợ mẹ tôi lên máy bay."],
            "zh": ["轮椅晚到了四十分钟。", "没有人协助我母亲登机。"],
            "en": ["The wheelchair came forty minutes late.", "Nobody helped my mother board."],
        ],
    ]

    /// Case `number` (1-based) as CSV fields in ``columns`` order.
    public func row(_ number: Int) -> [String] {
        var random = SplitMix64(seed: (seed ^ 0xFEED_BAC4) &+ UInt64(number) &* 0x9E37_79B9_7F4A_7C15)
        let total = Self.categories.reduce(0) { $0 + $1.1 }
        var pick = random.next(below: total)
        var category = Self.categories[0].0
        for (name, weight) in Self.categories {
            if pick < weight {
                category = name
                break
            }
            pick -= weight
        }
        let anonymous = random.next(below: 20) == 0
        let customerNumber = 1 + random.next(below: max(1, customers))
        let language = anonymous ? random.pick(["vi", "zh", "en"]) : DemoOrganisation(seed: seed).customer(customerNumber).locale
        let kindRoll = random.next(below: 100)
        let kind = category == "staff/attitude" && kindRoll < 20 ? "compliment" : kindRoll < 80 ? "complaint" : kindRoll < 90 ? "question" : "suggestion"
        let severity = ["low", "medium", "medium", "medium", "high", "high", "critical"][random.next(below: 7)]
        let second = Int(Self.start) + random.next(below: 366 * 86_400)
        let received = Date(timeIntervalSince1970: Double(second)).formatted(.iso8601)
        let text = random.pick(Self.texts[FeedbackCategory.top(category)]?[language] ?? ["…"])
        let answered = random.next(below: 3) == 0
        // Satisfaction leans on severity: the worse the problem, the lower the answers.
        let base = severity == "critical" ? 1 : severity == "high" ? 2 : 3
        let csat = answered ? String(min(5, base + random.next(below: 3))) : ""
        let nps = answered && random.next(below: 2) == 0 ? String(min(10, base * 2 + random.next(below: 6))) : ""
        // The handling, drawn after everything else so the fields above stay as they were.
        var steps: [String] = []
        var at = Double(second)
        func step(_ minutes: Int) -> String? {
            at += Double(minutes * 60)
            return at < Self.end ? Date(timeIntervalSince1970: at).formatted(.iso8601) : nil
        }
        let contactRoll = random.next(below: 100)
        let contact = contactRoll < 70 ? 5 + random.next(below: 50) : contactRoll < 90 ? 60 + random.next(below: 180) : 240 + random.next(below: 1_560)
        if let acknowledged = step(contact) {
            steps.append(acknowledged)
            if kind == "complaint" {
                let resolveRoll = random.next(below: 100)
                let resolution = resolveRoll < 75 ? 120 + random.next(below: 1_800) : 1_920 + random.next(below: 4_320)
                if let resolved = step(resolution) {
                    steps.append(resolved)
                    let followed = random.next(below: 100) < 70 ? step(1_440 + random.next(below: 1_440)) : nil
                    steps.append(followed ?? "")
                    if followed != nil || random.next(below: 2) == 0, let closed = step(60 + random.next(below: 2_880)) { steps.append(closed) }
                }
            } else {
                steps.append("")
                steps.append("")
                if let closed = step(30 + random.next(below: 600)) { steps.append(closed) }
            }
        }
        steps += Array(repeating: "", count: 4 - steps.count)
        return [
            String(format: "G%08d", number), anonymous ? "" : String(format: "D%07d", customerNumber), anonymous ? "Khách vãng lai" : "",
            anonymous ? "guest\(number)@example.com" : "", received, random.pick(["phone", "email", "web", "in-person", "social"]), kind, category,
            severity, text, language, csat, nps,
        ] + steps
    }

    /// 2024-01-01T00:00:00Z.
    static let start: TimeInterval = 1_704_067_200

    /// Writes cases 1...`count` as CSV, in pieces.
    public func write(count: Int, to write: (String) throws -> Void) throws {
        try write(CustomerExporter.csvLine(Self.columns))
        guard count > 0 else { return }
        for number in 1...count { try write(CustomerExporter.csvLine(row(number))) }
    }
}
