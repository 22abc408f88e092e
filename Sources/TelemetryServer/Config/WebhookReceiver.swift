import PromQL

/// One `alerting.webhooks` entry: a receiver of Alertmanager's webhook payload (version 4),
/// with Alertmanager's routing matchers and grouping timers.
public struct WebhookReceiver: Sendable, Equatable {
    public var name: String
    public var url: String
    /// Extra headers, including `Authorization` from `bearer_token`.
    public var headers: [String: String] = [:]
    public var timeout = PrometheusDuration(milliseconds: 10_000)
    /// Whether resolved alerts are notified (default true, as Alertmanager's webhook).
    public var sendResolved = true
    /// Most alerts in one payload (0: all); the rest are counted in `truncatedAlerts`.
    public var maxAlerts = 0
    /// Labels that form a group; nil: one group for everything; `['...']`: every label.
    public var groupBy: [String] = []
    public var groupByAll = false
    public var groupWait = PrometheusDuration(milliseconds: 30_000)
    public var groupInterval = PrometheusDuration(milliseconds: 300_000)
    public var repeatInterval = PrometheusDuration(milliseconds: 4 * 3_600_000)
    /// The alerts this receiver gets (all of them when empty), in Alertmanager's syntax.
    public var matchers: [LabelMatcher] = []

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    static func read(_ reader: inout YAMLMappingReader) throws(ConfigError) -> WebhookReceiver {
        guard let name = try reader.string("name"), !name.isEmpty else { throw reader.error("name", nil, "is required") }
        guard let url = try reader.string("url") else { throw reader.error("url", nil, "is required") }
        if let problem = AlertingConfiguration.urlProblem(url) { throw reader.error("url", reader.value("url"), problem) }
        var webhook = WebhookReceiver(name: name, url: url)
        webhook.headers = try AlertingConfiguration.readAuthentication(&reader)
        if let timeout = try reader.duration("timeout", positive: true) { webhook.timeout = timeout }
        if let send = try reader.bool("send_resolved") { webhook.sendResolved = send }
        if let most = try reader.integer("max_alerts") { webhook.maxAlerts = most }
        if let labels = try reader.strings("group_by") {
            if labels == ["..."] {
                webhook.groupByAll = true
            } else {
                for label in labels where !Labels.isValidName(label) {
                    throw reader.error("group_by", reader.value("group_by"), "invalid label name \"\(label)\"")
                }
                webhook.groupBy = labels
            }
        }
        if let wait = try reader.duration("group_wait") { webhook.groupWait = wait }
        if let interval = try reader.duration("group_interval", positive: true) { webhook.groupInterval = interval }
        if let interval = try reader.duration("repeat_interval", positive: true) { webhook.repeatInterval = interval }
        for text in try reader.strings("matchers") ?? [] {
            do {
                webhook.matchers.append(try AlertMatcherParser.parse(text))
            } catch {
                throw reader.error("matchers", reader.value("matchers"), "invalid matcher \"\(text)\": \(error.message)")
            }
        }
        try reader.rejectUnknownFields()
        return webhook
    }
}
