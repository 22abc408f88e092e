/// One `alerting.alertmanagers` entry: an Alertmanager that gets every alert over API v2, as
/// Prometheus sends them.
public struct AlertmanagerTarget: Sendable, Equatable {
    /// The Alertmanager's base URL (`http://alertmanager:9093`); alerts go to
    /// `<url>/api/v2/alerts` unless the URL already names that path.
    public var url: String
    /// Timeout of one request (default 10s, as Prometheus).
    public var timeout = PrometheusDuration(milliseconds: 10_000)
    /// Extra headers, including `Authorization` from `basic_auth` or `bearer_token`.
    public var headers: [String: String] = [:]

    public init(url: String) {
        self.url = url
    }

    /// Where alerts are POSTed.
    public var alertsURL: String {
        var base = url
        if base.hasSuffix("/api/v2/alerts") { return base }
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/api/v2/alerts"
    }

    static func read(_ reader: inout YAMLMappingReader) throws(ConfigError) -> AlertmanagerTarget {
        guard let url = try reader.string("url") else { throw reader.error("url", nil, "is required") }
        if let problem = AlertingConfiguration.urlProblem(url) { throw reader.error("url", reader.value("url"), problem) }
        var target = AlertmanagerTarget(url: url)
        if let timeout = try reader.duration("timeout", positive: true) { target.timeout = timeout }
        target.headers = try AlertingConfiguration.readAuthentication(&reader)
        try reader.rejectUnknownFields()
        return target
    }
}
