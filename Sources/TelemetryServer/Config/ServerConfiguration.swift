import Foundation
import HTTPServer
import Logging
import PromQL

/// Everything `telemetryd serve` needs to start, from defaults, a YAML file and flags (flags win).
///
/// The file mirrors the flags:
/// ```yaml
/// web:
///   listen_address: 127.0.0.1:4318
///   max_request_body_bytes: 20971520
///   connection_limit: 4096
///   connection_timeout: 60s
///   per_ip_connection_limit: 512
///   request_header_timeout: 10s   # a client must send its headers within this
///   max_inflight_body_size: 0     # memory for bodies in flight, HTTP and gRPC (after gzip); 0: 1/8 of RAM
///   dashboards_path: ./dashboards # serve the dashboard from this folder; default: the copy built in
///   max_event_clients: 1000       # browsers on the event stream at once; more get 503
/// storage:
///   path: ./data
///   retention_time: 7d        # spans and logs older than this are deleted
///   retention_size: 1GB       # oldest spans and logs deleted past this size; 0 for no limit
///   max_write_queue_rows: 200000  # spans and logs waiting for SQLite; past it, 503 + Retry-After
/// otlp:
///   grpc_listen_address: 127.0.0.1:4317   # the OTLP/gRPC listener; "" turns it off
///   metric_staleness: 5m      # an OTLP series not updated for this long leaves /metrics
///   max_metric_series: 100000
///   max_value_size: 64KB      # longer attribute values and log bodies are cut (and counted)
/// history:
///   interval: 5s              # /metrics is sampled into the metric history this often
///   max_series: 20000         # series held; samples of further new series are refused
/// limits:                     # a series sent over remote write or OTLP past these is refused
///   max_label_names_per_series: 30
///   max_label_name_length: 1024
///   max_label_value_length: 2048
/// global:
///   evaluation_interval: 1m   # rule groups without an interval run this often
///   external_labels: {cluster: eu-1}
/// rule_files: [rules/*.yml]   # Prometheus-format rule files (globs, relative to this file)
/// alerting:                   # Alertmanagers and webhooks (see AlertingConfiguration)
/// remote_write:               # send the metric history on (Prometheus, Mimir, Thanos Receive)
///   - url: http://prometheus:9090/api/v1/write
///     headers: {X-Scope-OrgID: team-a}
///     remote_timeout: 30s
///     queue_config: {capacity: 10000, max_samples_per_send: 2000, batch_send_deadline: 5s,
///                    min_backoff: 30ms, max_backoff: 5s}
/// query:
///   timeout: 2m               # a PromQL query running longer fails with errorType timeout
///   max_samples: 50000000     # samples one query may load
/// api:
///   query_timeout: 30s        # a search running longer is cancelled (503)
///   max_concurrent_queries: 8 # more at once get 503 + Retry-After
/// span_metrics:
///   enabled: true
///   max_series: 10000         # label sets per metric; more fold into one overflow series
/// forward:
///   endpoint: http://collector:4318   # OTLP/HTTP upstream; none by default
///   max_queue_size: 64MB      # encoded data held during an upstream outage; more is dropped
/// log:
///   level: info
/// ```
public struct ServerConfiguration: Sendable, Equatable {
    /// `--web.listen-address`: where the HTTP listener binds (default the OTLP/HTTP port).
    public var listenAddress = ListenAddress(host: "127.0.0.1", port: 4318)
    /// `--web.external-url` (`web.external_url`): the URL users reach the server at, for
    /// `$externalURL` in templates and links in notifications. Nil: `http://<hostname>:<port>`.
    public var externalURL: String?
    /// `--web.dashboards.path` (`web.dashboards_path`): the folder the dashboard is served
    /// from. Nil: the copy built into the binary.
    public var dashboardsPath: String?
    /// `web.max_event_clients`: browsers on the event stream at once; more are answered 503.
    public var maxEventClients = 1000
    /// `--otlp.grpc.listen-address`: where the OTLP/gRPC listener binds (default the OTLP/gRPC
    /// port, 4317); nil turns it off.
    public var grpcListenAddress: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 4317)
    /// Largest request body accepted (413 above it), and largest OTLP/gRPC message.
    public var maxRequestBodyBytes = 20 * 1024 * 1024
    /// Most simultaneous connections.
    public var connectionLimit = 4096
    /// Idle time before a connection is closed.
    public var connectionTimeout = PrometheusDuration(milliseconds: 60_000)
    /// Most connections from one address; 0 for no limit.
    public var perIPConnectionLimit = 512
    /// Time a client has to send a request's headers (slowloris protection).
    public var requestHeaderTimeout = PrometheusDuration(milliseconds: 10_000)
    /// Memory for request bodies in flight, counted after inflating gzip; 0 for an eighth of
    /// physical memory. Past it the server answers 503 with `Retry-After`.
    public var maxInFlightBodySize = ByteSize(bytes: 0)
    /// Longest attribute value, log body or name stored; longer ones are cut and counted.
    public var maxValueSize = ByteSize(bytes: 64 << 10)
    /// A query API search running longer than this is cancelled.
    public var queryTimeout = PrometheusDuration(milliseconds: 30_000)
    /// Most query API searches running at once; more get 503 with `Retry-After`.
    public var maxConcurrentQueries = 8
    /// `--history.interval`: how often `/metrics` is sampled into the metric history.
    public var historyInterval = PrometheusDuration(milliseconds: 5000)
    /// Rule files (globs; relative ones are resolved against the configuration file's
    /// directory), from `rule_files:` and `--rules.file`.
    public var ruleFiles: [String] = []
    /// Default interval of rule groups (`global.evaluation_interval`, 1m as in Prometheus).
    public var evaluationInterval = PrometheusDuration(milliseconds: 60_000)
    /// Labels added to alerts sent out and available to templates (`global.external_labels`).
    public var externalLabels: [String: String] = [:]
    /// Where the metric history is sent by Prometheus remote write (`remote_write:`).
    public var remoteWrite: [RemoteWriteTarget] = []
    /// Where alerts are sent (`alerting:`): Alertmanagers and webhooks.
    public var alerting = AlertingConfiguration()
    /// Most series the metric history holds.
    public var historyMaxSeries = 20_000
    /// Bounds on the labels of series clients send over remote write and OTLP (`limits:`).
    public var seriesLabelLimits = SeriesLabelLimits()
    /// `--query.timeout`: how long one PromQL query may run.
    public var queryEngineTimeout = PrometheusDuration(milliseconds: 120_000)
    /// `--query.max-samples`: most samples one PromQL query may load.
    public var queryMaxSamples = 50_000_000
    /// `--storage.path`: directory for data.
    public var storagePath = "./data"
    /// `--storage.retention.time`: spans and logs older than this are deleted.
    public var retentionTime = PrometheusDuration(milliseconds: 7 * 86_400_000)
    /// `--storage.retention.size`: past this size the oldest spans and logs are deleted; 0 for none.
    public var retentionSize = ByteSize(bytes: 1 << 30)
    /// Spans and log records waiting to be written; past it the receiver answers 503.
    public var maxWriteQueueRows = 200_000
    /// How often retention runs (not in the file; tests shorten it).
    public var retentionCheckInterval = Duration.seconds(60)
    /// An OTLP metric series not updated for this long disappears from `/metrics`.
    public var metricStaleness = PrometheusDuration(milliseconds: 5 * 60_000)
    /// Most OTLP metric series held; points for new series past it are rejected.
    public var maxMetricSeries = 100_000
    /// Whether received spans feed the span metrics (calls and duration per operation).
    public var spanMetricsEnabled = true
    /// Most label sets per span metric; the rest fold into one overflow series.
    public var spanMetricsMaxSeries = 10_000
    /// `--forward.endpoint`: an OTLP/HTTP base URL to send everything received on to.
    public var forwardEndpoint: String?
    /// Encoded data held for the upstream during an outage; more is dropped and counted.
    public var forwardMaxQueueSize = ByteSize(bytes: 64 << 20)
    /// `--log.level`.
    public var logLevel = Logger.Level.info

    /// The defaults.
    public init() {}

    /// Reads a configuration file over the defaults.
    ///
    /// - Throws: `ConfigError` naming the file, line and field.
    public static func load(file: String) throws(ConfigError) -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigError(file: file, message: "cannot read: \(error.localizedDescription)")
        }
        var configuration = try parse(text, file: file)
        // As Prometheus does, rule file globs are relative to the configuration file.
        let directory = (file as NSString).deletingLastPathComponent
        configuration.ruleFiles = configuration.ruleFiles.map { pattern in
            pattern.hasPrefix("/") || directory.isEmpty ? pattern : (directory as NSString).appendingPathComponent(pattern)
        }
        return configuration
    }

    /// The external URL in force: the configured one without a trailing `/`, or
    /// `http://<hostname>:<port>` as Prometheus derives it.
    public var resolvedExternalURL: String {
        if let externalURL {
            var url = externalURL
            while url.hasSuffix("/") { url.removeLast() }
            return url
        }
        return "http://\(ProcessInfo.processInfo.hostName):\(listenAddress.port)"
    }

    /// Why `text` cannot be the external URL, or nil.
    public static func externalURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            return "invalid external URL \"\(text)\" (want an absolute http or https URL, such as https://telemetry.example.com/)"
        }
        return nil
    }

    /// Why `path` cannot serve the dashboard (it must be a folder holding `index.html`), or nil.
    public static func dashboardsPathProblem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "dashboards folder \"\(path)\" does not exist or is not a folder"
        }
        guard FileManager.default.fileExists(atPath: path + "/index.html") else {
            return "dashboards folder \"\(path)\" has no index.html"
        }
        return nil
    }

    /// Parses configuration text over the defaults; `file` is used in error messages.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        var root = try YAMLMappingReader.document(text, file: file)
        if var web = try root.mapping("web") {
            if let address = try web.string("listen_address") {
                guard let parsed = ListenAddress(address) else {
                    throw web.error("listen_address", web.value("listen_address"), Self.addressHelp(address))
                }
                configuration.listenAddress = parsed
            }
            if let url = try web.string("external_url") {
                if let problem = Self.externalURLProblem(url) { throw web.error("external_url", web.value("external_url"), problem) }
                configuration.externalURL = url
            }
            if let bytes = try web.integer("max_request_body_bytes", minimum: 1) {
                configuration.maxRequestBodyBytes = bytes
            }
            if let limit = try web.integer("connection_limit", minimum: 1) { configuration.connectionLimit = limit }
            if let timeout = try web.duration("connection_timeout") { configuration.connectionTimeout = timeout }
            if let limit = try web.integer("per_ip_connection_limit") { configuration.perIPConnectionLimit = limit }
            if let timeout = try web.duration("request_header_timeout", positive: true) {
                configuration.requestHeaderTimeout = timeout
            }
            if let size = try web.size("max_inflight_body_size") { configuration.maxInFlightBodySize = size }
            if let path = try web.string("dashboards_path") {
                if let problem = Self.dashboardsPathProblem(path) {
                    throw web.error("dashboards_path", web.value("dashboards_path"), problem)
                }
                configuration.dashboardsPath = path
            }
            if let limit = try web.integer("max_event_clients", minimum: 1) { configuration.maxEventClients = limit }
            try web.rejectUnknownFields()
        }
        if var storage = try root.mapping("storage") {
            if let path = try storage.string("path") {
                guard !path.isEmpty else { throw storage.error("path", storage.value("path"), "must not be empty") }
                configuration.storagePath = path
            }
            if let time = try storage.duration("retention_time") { configuration.retentionTime = time }
            if let size = try storage.size("retention_size") { configuration.retentionSize = size }
            if let rows = try storage.integer("max_write_queue_rows", minimum: 1) { configuration.maxWriteQueueRows = rows }
            try storage.rejectUnknownFields()
        }
        if var otlp = try root.mapping("otlp") {
            if let address = try otlp.string("grpc_listen_address") {
                guard let parsed = Self.grpcAddress(address) else {
                    throw otlp.error("grpc_listen_address", otlp.value("grpc_listen_address"), Self.grpcAddressHelp(address))
                }
                configuration.grpcListenAddress = parsed
            }
            if let staleness = try otlp.duration("metric_staleness", positive: true) {
                configuration.metricStaleness = staleness
            }
            if let limit = try otlp.integer("max_metric_series", minimum: 1) { configuration.maxMetricSeries = limit }
            if let size = try otlp.size("max_value_size") {
                guard size.bytes >= 16 else {
                    throw otlp.error("max_value_size", otlp.value("max_value_size"), "must be at least 16B")
                }
                configuration.maxValueSize = size
            }
            try otlp.rejectUnknownFields()
        }
        if var api = try root.mapping("api") {
            if let timeout = try api.duration("query_timeout", positive: true) { configuration.queryTimeout = timeout }
            if let limit = try api.integer("max_concurrent_queries", minimum: 1) { configuration.maxConcurrentQueries = limit }
            try api.rejectUnknownFields()
        }
        if var history = try root.mapping("history") {
            if let interval = try history.duration("interval") {
                guard interval.milliseconds >= 100 else {
                    throw history.error("interval", history.value("interval"), "must be at least 100ms")
                }
                configuration.historyInterval = interval
            }
            if let limit = try history.integer("max_series", minimum: 1) { configuration.historyMaxSeries = limit }
            try history.rejectUnknownFields()
        }
        if var limits = try root.mapping("limits") { configuration.seriesLabelLimits = try SeriesLabelLimits.read(&limits) }
        if var global = try root.mapping("global") {
            if let interval = try global.duration("evaluation_interval", positive: true) {
                configuration.evaluationInterval = interval
            }
            if let labels = try global.stringMap("external_labels") {
                for name in labels.keys.sorted() where !Labels.isValidName(name) {
                    throw global.error("external_labels", global.value("external_labels"), "invalid label name \"\(name)\"")
                }
                configuration.externalLabels = labels
            }
            try global.rejectUnknownFields()
        }
        if let patterns = try root.strings("rule_files") { configuration.ruleFiles = patterns }
        if var alerting = try root.mapping("alerting") {
            configuration.alerting = try AlertingConfiguration.read(&alerting)
        }
        for var entry in try root.mappings("remote_write") ?? [] {
            configuration.remoteWrite.append(try RemoteWriteTarget.read(&entry))
        }
        if var query = try root.mapping("query") {
            if let timeout = try query.duration("timeout", positive: true) {
                configuration.queryEngineTimeout = timeout
            }
            if let samples = try query.integer("max_samples", minimum: 1) { configuration.queryMaxSamples = samples }
            try query.rejectUnknownFields()
        }
        if var spanMetrics = try root.mapping("span_metrics") {
            if let enabled = try spanMetrics.bool("enabled") { configuration.spanMetricsEnabled = enabled }
            if let limit = try spanMetrics.integer("max_series", minimum: 1) {
                configuration.spanMetricsMaxSeries = limit
            }
            try spanMetrics.rejectUnknownFields()
        }
        if var forward = try root.mapping("forward") {
            if let endpoint = try forward.string("endpoint") {
                if let problem = Self.endpointProblem(endpoint) {
                    throw forward.error("endpoint", forward.value("endpoint"), problem)
                }
                configuration.forwardEndpoint = endpoint
            }
            if let size = try forward.size("max_queue_size") { configuration.forwardMaxQueueSize = size }
            try forward.rejectUnknownFields()
        }
        if var log = try root.mapping("log") {
            if let level = try log.string("level") {
                guard let parsed = Self.logLevel(level) else {
                    throw log.error("level", log.value("level"), Self.levelHelp(level))
                }
                configuration.logLevel = parsed
            }
            try log.rejectUnknownFields()
        }
        try root.rejectUnknownFields()
        return configuration
    }

    /// The HTTP server settings derived from this configuration.
    public var httpConfiguration: HTTPServerConfiguration {
        var http = HTTPServerConfiguration(address: listenAddress)
        http.maxBodyBytes = maxRequestBodyBytes
        http.connectionLimit = connectionLimit
        http.connectionTimeoutSeconds = max(1, Int(connectionTimeout.seconds.rounded(.up)))
        http.perIPConnectionLimit = perIPConnectionLimit
        http.requestHeaderTimeoutSeconds = requestHeaderTimeout.seconds
        if maxInFlightBodySize.bytes > 0 { http.maxInFlightBodyBytes = Int(clamping: maxInFlightBodySize.bytes) }
        return http
    }

    /// Parses a level name as swift-log spells it (plus `warn`).
    public static func logLevel(_ text: String) -> Logger.Level? {
        text == "warn" ? .warning : Logger.Level(rawValue: text.lowercased())
    }

    /// The message for a bad level.
    public static func levelHelp(_ text: String) -> String {
        "invalid log level \"\(text)\" (one of trace, debug, info, notice, warning, error, critical)"
    }

    /// Why `endpoint` cannot be an upstream OTLP/HTTP base URL, or nil when it can.
    public static func endpointProblem(_ endpoint: String) -> String? {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host?.isEmpty == false
        else {
            return "invalid endpoint \"\(endpoint)\" (want an http:// or https:// URL such as http://collector:4318)"
        }
        return nil
    }

    /// The message for a bad duration.
    public static func durationHelp(_ text: String) -> String {
        "invalid duration \"\(text)\" (use forms like 30s, 5m, 1h30m, 7d)"
    }

    /// The message for a bad size.
    public static func sizeHelp(_ text: String) -> String {
        "invalid size \"\(text)\" (use forms like 512MB, 1GB; units B KB MB GB TB PB)"
    }

    /// The message for a bad address.
    /// Parses an OTLP/gRPC listen address: `.some(nil)` for "" (no listener), nil when invalid.
    public static func grpcAddress(_ text: String) -> ListenAddress?? {
        if text.isEmpty { return .some(nil) }
        return ListenAddress(text).map { .some($0) }
    }

    /// The message for a bad OTLP/gRPC listen address.
    public static func grpcAddressHelp(_ text: String) -> String {
        "invalid listen address \"\(text)\" (want host:port, such as 127.0.0.1:4317, or \"\" to turn the listener off)"
    }

    public static func addressHelp(_ text: String) -> String {
        "invalid listen address \"\(text)\" (want host:port, such as 127.0.0.1:4318, :4318 or [::1]:4318)"
    }
}
