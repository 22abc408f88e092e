import Foundation

/// The date functions (`hour`, `day_of_week`, …) on Unix seconds, in UTC.
enum DateFunctions {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    static func apply(_ name: String, seconds: Double) -> Double {
        guard seconds.isFinite, abs(seconds) < 1e15 else { return .nan }
        // Go's time.Unix(int64(v), 0): whole seconds, truncated.
        let date = Date(timeIntervalSince1970: seconds.rounded(.towardZero))
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        switch name {
        case "day_of_month": return Double(parts.day ?? 0)
        case "day_of_week": return Double((parts.weekday ?? 1) - 1)
        case "day_of_year": return Double(calendar.ordinality(of: .day, in: .year, for: date) ?? 0)
        case "days_in_month": return Double(calendar.range(of: .day, in: .month, for: date)?.count ?? 0)
        case "hour": return Double(parts.hour ?? 0)
        case "minute": return Double(parts.minute ?? 0)
        case "month": return Double(parts.month ?? 0)
        case "year": return Double(parts.year ?? 0)
        default: return .nan
        }
    }
}
