import Foundation

/// A Pareto chart as SVG, for a manager's report: a bar per category (largest first) on the
/// left axis of cases, the cumulative share as a line on the right axis of percent, the 80 %
/// line dashed, and the vital few in a darker colour. Self-contained (no scripts, no external
/// fonts or images); names are escaped.
public enum ParetoChart {
    public static func svg(_ rows: [FeedbackReport.ParetoRow], title: String) -> String {
        let shown = Array(rows.prefix(20))
        let width = 120 + max(1, shown.count) * 48, height = 420
        let left = 60.0, right = Double(width) - 60, top = 50.0, bottom = 300.0
        let peak = Double(max(1, shown.map(\.cases).max() ?? 1))
        let step = (right - left) / Double(max(1, shown.count))
        func y(cases: Int) -> Double { bottom - (bottom - top) * Double(cases) / peak }
        func y(share: Double) -> Double { bottom - (bottom - top) * share }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="11">
            <title>\(escape(title))</title>
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="24" text-anchor="middle" font-size="14" font-weight="bold">\(escape(title))</text>
            <line x1="\(left)" y1="\(bottom)" x2="\(right)" y2="\(bottom)" stroke="black"/>
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(bottom)" stroke="black"/>
            <line x1="\(right)" y1="\(top)" x2="\(right)" y2="\(bottom)" stroke="black"/>

            """
        // Axes: cases on the left (0, half, peak), percent on the right (0, 20, … 100).
        for cases in Set([0, Int(peak) / 2, Int(peak)]).sorted() {
            svg += "<text x=\"\(number(left - 6))\" y=\"\(number(y(cases: cases) + 4))\" text-anchor=\"end\">\(cases)</text>\n"
        }
        for percent in stride(from: 0, through: 100, by: 20) {
            svg += "<text x=\"\(number(right + 6))\" y=\"\(number(y(share: Double(percent) / 100) + 4))\">\(percent)%</text>\n"
        }
        svg += "<line x1=\"\(left)\" y1=\"\(number(y(share: 0.8)))\" x2=\"\(right)\" y2=\"\(number(y(share: 0.8)))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
        var points: [String] = []
        for (index, row) in shown.enumerated() {
            let x = left + step * Double(index)
            let barTop = y(cases: row.cases)
            svg += "<rect x=\"\(number(x + step * 0.15))\" y=\"\(number(barTop))\" width=\"\(number(step * 0.7))\" height=\"\(number(bottom - barTop))\" "
                + "fill=\"\(row.vitalFew ? "#1f5f8b" : "#9ec3dd")\"><title>\(escape(row.category)): \(row.cases)</title></rect>\n"
            let centre = x + step / 2
            svg += "<text x=\"\(number(centre))\" y=\"\(number(barTop - 4))\" text-anchor=\"middle\">\(row.cases)</text>\n"
            svg += "<text x=\"\(number(centre))\" y=\"\(number(bottom + 12))\" transform=\"rotate(40 \(number(centre)) \(number(bottom + 12)))\">\(escape(row.category))</text>\n"
            points.append("\(number(centre)),\(number(y(share: row.cumulative)))")
        }
        if !points.isEmpty {
            svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/>\n"
            for point in points {
                let parts = point.split(separator: ",")
                svg += "<circle cx=\"\(parts[0])\" cy=\"\(parts[1])\" r=\"3\" fill=\"#c0392b\"/>\n"
            }
        }
        if rows.count > shown.count {
            svg += "<text x=\"\(number(left))\" y=\"\(height - 8)\">and \(rows.count - shown.count) more categories</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters are not allowed in XML 1.0.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
