/// Where and how an OTLP exporter sends: endpoint, protocol, compression, headers, timeout and
/// retry policy.
///
/// The HTTP exporters in this module take `httpProtobuf` and `httpJSON`; `grpc` is served by the
/// `TelemetryGRPC` module's exporters (its `OTLPExporters` picks by `OTEL_EXPORTER_OTLP_PROTOCOL`).
public struct OTLPExporterConfiguration: Sendable, Hashable {
    /// The transport and encoding (`OTEL_EXPORTER_OTLP_PROTOCOL`).
    public enum WireProtocol: String, Sendable, Hashable {
        /// OTLP/gRPC (exporters in the `TelemetryGRPC` module).
        case grpc
        /// `application/x-protobuf` (the default).
        case httpProtobuf = "http/protobuf"
        /// `application/json`, OTLP/JSON.
        case httpJSON = "http/json"
    }

    /// The body compression (`OTEL_EXPORTER_OTLP_COMPRESSION`).
    public enum Compression: String, Sendable, Hashable {
        case none
        case gzip
    }

    /// Where the requests go: for HTTP the signal's URL, for example
    /// `http://localhost:4318/v1/traces`; for gRPC the server, for example `http://localhost:4317`
    /// (`https` for TLS).
    public var endpoint: String
    /// The body encoding.
    public var wireProtocol: WireProtocol
    /// The body compression.
    public var compression: Compression
    /// Extra request headers, for example an API key.
    public var headers: [String: String]
    /// How long one request may take (`OTEL_EXPORTER_OTLP_TIMEOUT`, default 10 s).
    public var timeout: Duration
    /// When and how often failed requests are retried.
    public var retry: RetryPolicy

    /// Creates a configuration.
    public init(
        endpoint: String, wireProtocol: WireProtocol = .httpProtobuf, compression: Compression = .none,
        headers: [String: String] = [:], timeout: Duration = .seconds(10), retry: RetryPolicy = RetryPolicy()
    ) {
        self.endpoint = endpoint
        self.wireProtocol = wireProtocol
        self.compression = compression
        self.headers = headers
        self.timeout = timeout
        self.retry = retry
    }

    /// A variable that could not be used; the message names it.
    public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
        public let description: String

        package init(description: String) {
            self.description = description
        }
    }

    /// The traces configuration the environment gives (see `fromEnvironment(signal:_:)`).
    public static func traces(_ environment: [String: String] = Environment.variables) throws(ConfigurationError) -> Self {
        try fromEnvironment(signal: "traces", environment)
    }

    /// The metrics configuration the environment gives (see `fromEnvironment(signal:_:)`).
    public static func metrics(_ environment: [String: String] = Environment.variables) throws(ConfigurationError) -> Self {
        try fromEnvironment(signal: "metrics", environment)
    }

    /// The logs configuration the environment gives (see `fromEnvironment(signal:_:)`).
    public static func logs(_ environment: [String: String] = Environment.variables) throws(ConfigurationError) -> Self {
        try fromEnvironment(signal: "logs", environment)
    }

    /// Reads the OTLP exporter variables for `signal` (`traces`, `metrics` or `logs`).
    ///
    /// `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` is used as given; otherwise `/v1/<signal>` is
    /// appended to `OTEL_EXPORTER_OTLP_ENDPOINT` (default `http://localhost:4318`) for HTTP,
    /// and for `grpc` `OTEL_EXPORTER_OTLP_ENDPOINT` is used as given (default
    /// `http://localhost:4317`). `_HEADERS` (`k=v,k2=v2`, values percent-decoded), `_PROTOCOL`,
    /// `_COMPRESSION` and `_TIMEOUT` (ms) exist in a general and a signal-specific form; the
    /// specific one wins.
    ///
    /// - Throws: `ConfigurationError` naming the variable when the endpoint is not an http(s)
    ///   URL or the protocol is unknown.
    public static func fromEnvironment(signal: String, _ environment: [String: String]) throws(ConfigurationError) -> Self {
        let reader = EnvironmentReader(environment)
        let prefix = "OTEL_EXPORTER_OTLP_"
        let specific = prefix + signal.uppercased() + "_"
        func value(_ name: String) -> (variable: String, value: String)? {
            if let found = reader.string(specific + name) { return (specific + name, found) }
            if let found = reader.string(prefix + name) { return (prefix + name, found) }
            return nil
        }
        var wire = WireProtocol.httpProtobuf
        if let (variable, name) = value("PROTOCOL") {
            guard let given = WireProtocol(rawValue: name) else {
                throw ConfigurationError(description: "\(variable)=\(name): expected grpc, http/protobuf or http/json")
            }
            wire = given
        }
        let endpoint: String
        let endpointVariable: String
        if let given = reader.string(specific + "ENDPOINT") {
            endpoint = given
            endpointVariable = specific + "ENDPOINT"
        } else if wire == .grpc {
            endpoint = reader.string(prefix + "ENDPOINT") ?? "http://localhost:4317"
            endpointVariable = prefix + "ENDPOINT"
        } else {
            let base = reader.string(prefix + "ENDPOINT") ?? "http://localhost:4318"
            endpoint = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/v1/" + signal
            endpointVariable = prefix + "ENDPOINT"
        }
        guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://"), endpoint.count > "https://".count else {
            throw ConfigurationError(description: "\(endpointVariable)=\(endpoint): expected an http:// or https:// URL")
        }
        var configuration = OTLPExporterConfiguration(endpoint: endpoint, wireProtocol: wire)
        if let (variable, name) = value("COMPRESSION") {
            if let compression = Compression(rawValue: name) {
                configuration.compression = compression
            } else {
                reader.warn(variable, name, expected: "gzip or none")
            }
        }
        let headersVariable = reader.string(specific + "HEADERS") != nil ? specific + "HEADERS" : prefix + "HEADERS"
        for (name, headerValue) in reader.keyValueList(headersVariable) { configuration.headers[name] = headerValue }
        if let timeout = reader.milliseconds(specific + "TIMEOUT") ?? reader.milliseconds(prefix + "TIMEOUT") {
            configuration.timeout = timeout
        }
        return configuration
    }

    /// Fails for a gRPC configuration given to an HTTP exporter.
    func requireHTTP(_ exporter: String) throws(ConfigurationError) {
        guard wireProtocol == .grpc else { return }
        throw ConfigurationError(
            description: "\(exporter) speaks OTLP/HTTP; for protocol grpc use TelemetryGRPC's exporters (OTLPExporters picks by OTEL_EXPORTER_OTLP_PROTOCOL)")
    }
}
