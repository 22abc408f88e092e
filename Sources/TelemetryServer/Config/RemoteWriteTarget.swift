/// One `remote_write:` entry: where the metric history is sent, in Prometheus's format and
/// with Prometheus's field names and defaults.
public struct RemoteWriteTarget: Sendable, Equatable {
    /// The receiver's URL (`http://prometheus:9090/api/v1/write`).
    public var url: String
    /// A name for metrics and logs (default: the URL).
    public var name: String
    /// Extra HTTP headers (`X-Scope-OrgID` for Mimir).
    public var headers: [String: String] = [:]
    /// Timeout of one request (`remote_timeout`, default 30s).
    public var remoteTimeout = PrometheusDuration(milliseconds: 30_000)
    /// Samples buffered before new ones are dropped (`queue_config.capacity`, default 10000).
    public var capacity = 10_000
    /// Most samples per request (`queue_config.max_samples_per_send`, default 2000).
    public var maxSamplesPerSend = 2000
    /// Longest wait before a partial batch is sent (`queue_config.batch_send_deadline`, 5s).
    public var batchSendDeadline = PrometheusDuration(milliseconds: 5000)
    /// First retry delay (`queue_config.min_backoff`, 30ms), doubling up to `max_backoff` (5s).
    public var minBackoff = PrometheusDuration(milliseconds: 30)
    public var maxBackoff = PrometheusDuration(milliseconds: 5000)

    public init(url: String) {
        self.url = url
        name = url
    }

    static func read(_ reader: inout YAMLMappingReader) throws(ConfigError) -> RemoteWriteTarget {
        guard let url = try reader.string("url") else { throw reader.error("url", nil, "is required") }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw reader.error("url", reader.value("url"), "must be an http:// or https:// URL, got \"\(url)\"")
        }
        var target = RemoteWriteTarget(url: url)
        if let name = try reader.string("name") { target.name = name }
        if let headers = try reader.stringMap("headers") { target.headers = headers }
        if let timeout = try reader.duration("remote_timeout", positive: true) { target.remoteTimeout = timeout }
        if var queue = try reader.mapping("queue_config") {
            if let capacity = try queue.integer("capacity", minimum: 1) { target.capacity = capacity }
            if let most = try queue.integer("max_samples_per_send", minimum: 1) { target.maxSamplesPerSend = most }
            if let deadline = try queue.duration("batch_send_deadline", positive: true) { target.batchSendDeadline = deadline }
            if let backoff = try queue.duration("min_backoff", positive: true) { target.minBackoff = backoff }
            if let backoff = try queue.duration("max_backoff", positive: true) { target.maxBackoff = backoff }
            try queue.rejectUnknownFields()
        }
        try reader.rejectUnknownFields()
        return target
    }
}
