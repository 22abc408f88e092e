import Foundation
import PromQL

/// The `alerting:` section: where alerts go (Alertmanagers over API v2, webhooks with
/// Alertmanager's grouping) and how long the durable queue keeps trying.
///
/// ```yaml
/// alerting:
///   resend_delay: 1m               # firing alerts are re-sent this often (Prometheus's default)
///   max_notification_age: 24h      # a queued notification older than this is dropped
///   max_silences: 1000             # pending or active at once (and as many expired kept)
///   max_silence_size_bytes: 16384  # matchers, author and comment of one silence
///   silence_retention: 120h        # an expired silence is listed this long, then deleted
///   alertmanagers:
///     - url: http://alertmanager:9093
///       timeout: 10s
///       headers: {X-Scope-OrgID: team-a}
///       basic_auth: {username: u, password: p}   # or bearer_token: …
///   webhooks:
///     - name: chat
///       url: http://bridge:8080/hook
///       matchers: ['severity="page"']
///       group_by: [alertname]      # ['...'] groups by every label
///       group_wait: 30s
///       group_interval: 5m
///       repeat_interval: 4h
///       send_resolved: true
///       max_alerts: 0              # 0: no limit
/// ```
public struct AlertingConfiguration: Sendable, Equatable {
    /// How often a firing alert is sent again (`resend_delay`, Prometheus's 1m).
    public var resendDelay = PrometheusDuration(milliseconds: 60_000)
    /// A queued notification older than this is dropped and counted (default 24h).
    public var maxNotificationAge = PrometheusDuration(milliseconds: 24 * 3_600_000)
    public var alertmanagers: [AlertmanagerTarget] = []
    public var webhooks: [WebhookReceiver] = []
    /// Bounds on the silences kept (`max_silences`, `max_silence_size_bytes`, `silence_retention`).
    public var silenceLimits = SilenceLimits()

    public init() {}

    static func read(_ reader: inout YAMLMappingReader) throws(ConfigError) -> AlertingConfiguration {
        var configuration = AlertingConfiguration()
        if let delay = try reader.duration("resend_delay", positive: true) { configuration.resendDelay = delay }
        if let age = try reader.duration("max_notification_age", positive: true) { configuration.maxNotificationAge = age }
        configuration.silenceLimits = try SilenceLimits.read(&reader)
        for var entry in try reader.mappings("alertmanagers") ?? [] {
            configuration.alertmanagers.append(try AlertmanagerTarget.read(&entry))
        }
        var names = Set<String>()
        for var entry in try reader.mappings("webhooks") ?? [] {
            let webhook = try WebhookReceiver.read(&entry)
            guard names.insert(webhook.name).inserted else {
                throw entry.error("name", entry.value("name"), "webhook name \"\(webhook.name)\" is used twice")
            }
            configuration.webhooks.append(webhook)
        }
        try reader.rejectUnknownFields()
        return configuration
    }

    /// Why `url` cannot receive notifications, or nil.
    static func urlProblem(_ url: String) -> String? {
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > "https://".count else {
            return "must be an http:// or https:// URL, got \"\(url)\""
        }
        return nil
    }

    /// Reads `headers`, `bearer_token` and `basic_auth` into request headers.
    static func readAuthentication(_ reader: inout YAMLMappingReader) throws(ConfigError) -> [String: String] {
        var headers = try reader.stringMap("headers") ?? [:]
        let token = try reader.string("bearer_token")
        if var basic = try reader.mapping("basic_auth") {
            guard token == nil else { throw basic.error("username", nil, "basic_auth and bearer_token cannot both be set") }
            guard let username = try basic.string("username") else { throw basic.error("username", nil, "is required") }
            let password = try basic.string("password") ?? ""
            try basic.rejectUnknownFields()
            headers["Authorization"] = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return headers
    }
}
