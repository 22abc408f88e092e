import Foundation
import PromQL

/// An alert as it leaves telemetryd: Prometheus's notifier alert (API v2 `postableAlert`) and
/// the element of Alertmanager's webhook payload.
public struct OutgoingAlert: Sendable, Equatable, Codable {
    public var labels: [String: String]
    public var annotations: [String: String]
    /// When it started firing (milliseconds).
    public var startsAt: Int64
    /// When it resolved, or until when a firing alert is valid (Prometheus: now + 4 × max(eval
    /// interval, resend delay)), in milliseconds.
    public var endsAt: Int64
    public var generatorURL: String

    public init(labels: [String: String], annotations: [String: String], startsAt: Int64, endsAt: Int64, generatorURL: String) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    /// Whether it has resolved by `now` (Alertmanager: an alert whose `endsAt` has passed).
    public func isResolved(at now: Int64) -> Bool { endsAt <= now }

    /// Alertmanager's fingerprint of the label set: FNV-1a 64 over sorted names and values,
    /// each followed by the 0xff separator, as 16 hex digits.
    public var fingerprint: String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for name in labels.keys.sorted() {
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            hash = (hash ^ 0xff) &* 1_099_511_628_211
            for byte in (labels[name] ?? "").utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            hash = (hash ^ 0xff) &* 1_099_511_628_211
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The JSON object Prometheus POSTs to `/api/v2/alerts` (times with milliseconds).
    var apiV2JSON: [String: Any] {
        [
            "labels": labels, "annotations": annotations, "startsAt": Self.timestamp(startsAt, millisecondsAlways: true),
            "endsAt": Self.timestamp(endsAt, millisecondsAlways: true), "generatorURL": generatorURL,
        ]
    }

    /// RFC 3339 in UTC: `2026-12-01T18:00:00.123Z`; Go's time JSON (trailing zeros of the
    /// fraction dropped) unless `millisecondsAlways`, Prometheus's `strfmt.DateTime` form.
    static func timestamp(_ milliseconds: Int64, millisecondsAlways: Bool = false) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = Int(milliseconds - seconds * 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        if millisecondsAlways {
            text += String(format: ".%03d", fraction)
        } else if fraction != 0 {
            var digits = String(format: "%03d", fraction)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    /// Go's zero `time.Time`, which Alertmanager's webhook gives a firing alert's `endsAt`.
    static let zeroTime = "0001-01-01T00:00:00Z"
}
