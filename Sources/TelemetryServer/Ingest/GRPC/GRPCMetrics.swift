import GRPCCore
import Telemetry

/// What the OTLP/gRPC receiver counts, on `/metrics`.
struct GRPCMetrics: Sendable {
    private let requests: Counter
    private let refusedStreams: Counter
    private let refusedConnections: Counter
    private let openConnections: Gauge

    init(registry: MetricRegistry) throws(MetricError) {
        requests = try registry.counter(
            name: "telemetryd_grpc_requests_total",
            help: "OTLP/gRPC calls answered, by method (package.Service/Method) and gRPC status (OK, InvalidArgument, Unavailable, ...).",
            labelNames: ["method", "code"])
        refusedStreams = try registry.counter(
            name: "telemetryd_grpc_refused_streams_total",
            help: "OTLP/gRPC calls reset with REFUSED_STREAM because the memory budget for request bodies in flight was full.")
        refusedConnections = try registry.counter(
            name: "telemetryd_grpc_refused_connections_total",
            help: "OTLP/gRPC connections closed on accepting them, past the connection limit in all or for their address.")
        openConnections = try registry.gauge(
            name: "telemetryd_grpc_open_connections", help: "OTLP/gRPC connections open now.")
    }

    /// Sets the number of connections open now (`GRPCConnectionLimiter`).
    func setOpenConnections(_ count: Int) {
        openConnections.set(Double(count))
    }

    /// Counts one connection closed past a limit (`GRPCConnectionLimiter`).
    func recordRefusedConnection() {
        refusedConnections.increment()
    }

    /// Counts one stream refused for want of memory (`StreamBodyBudgetHandler`).
    func recordRefusedStream() {
        refusedStreams.increment()
    }

    /// Counts one answered call; a nil code is OK.
    func record(_ method: MethodDescriptor, code: RPCError.Code?) {
        let name = code.map { "\($0)".prefix(1).uppercased() + "\($0)".dropFirst() } ?? "OK"
        try? requests.labels(method.fullyQualifiedMethod, name).increment()
    }
}
