import Foundation
import HTTPServer
import Logging
import OTLP
import SwiftProtobuf
import Synchronization
import Telemetry
import Testing

/// A local OTLP endpoint that answers from a script, one answer per request, and records what
/// arrived and when.
final class ScriptedEndpoint: Sendable {
    struct Arrival: Sendable {
        let headers: HTTPHeaders
        let body: [UInt8]
        let time: ContinuousClock.Instant
    }

    private final class ArrivalLog: Sendable {
        let list = Mutex<[Arrival]>([])
    }

    private let server: HTTPServer
    private let arrivals = ArrivalLog()

    /// `script(n)` answers the n-th request (from 0).
    init(_ script: @escaping @Sendable (Int) -> HTTPResponse) throws {
        let arrivals = self.arrivals
        var router = Router()
        for path in ["/v1/traces", "/v1/metrics"] {
            router.add(Route("POST", path, handler: .immediate { request in
                let index = arrivals.list.withLock { list in
                    list.append(Arrival(headers: request.headers, body: request.body, time: .now))
                    return list.count - 1
                }
                return script(index)
            }))
        }
        server = HTTPServer(
            configuration: HTTPServerConfiguration(address: ListenAddress(host: "127.0.0.1", port: 0)), router: router,
            logger: Logger(label: "scripted-endpoint"))
        try server.start()
    }

    var url: String { "http://127.0.0.1:\(server.boundAddress.port)" }
    var received: [Arrival] { arrivals.list.withLock { $0 } }

    func stop() async { await server.stop() }
}

private func answer(_ status: Int, retryAfter: String? = nil) -> HTTPResponse {
    var response = HTTPResponse(status: status, contentType: "application/x-protobuf", body: [])
    if let retryAfter { response.headers.set("Retry-After", retryAfter) }
    return response
}

private func exporter(_ endpoint: ScriptedEndpoint, _ change: (inout OTLPExporterConfiguration) -> Void = { _ in })
    throws -> OTLPHTTPSpanExporter
{
    var configuration = OTLPExporterConfiguration(
        endpoint: endpoint.url + "/v1/traces",
        retry: RetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(40), maxBackoff: .milliseconds(200)))
    change(&configuration)
    return try OTLPHTTPSpanExporter(configuration: configuration)
}

private func sampleSpans(_ count: Int = 2) -> [SpanData] {
    let trace = TraceID.random()
    return (0..<count).map { index in
        SpanData(
            name: "span-\(index)", context: SpanContext(traceID: trace, spanID: .random(), traceFlags: .sampled),
            startTime: 1_700_000_000_000_000_000, endTime: 1_700_000_000_500_000_000)
    }
}

@Suite("OTLP/HTTP exporter retries", .serialized)
struct OTLPExporterRetryTests {
    @Test func retryAfterFrom503IsHonouredThenTheRetrySucceeds() async throws {
        let endpoint = try ScriptedEndpoint { $0 == 0 ? answer(503, retryAfter: "1") : answer(200) }
        let result = try await exporter(endpoint).export(sampleSpans())
        #expect(result == .success)
        let received = endpoint.received
        #expect(received.count == 2)
        if received.count == 2 {
            let waited = received[1].time - received[0].time
            #expect(waited >= .milliseconds(950), "retried after \(waited), not after Retry-After: 1")
            #expect(received[0].body == received[1].body)
        }
        await endpoint.stop()
    }

    @Test func status429IsRetriedWithBackoff() async throws {
        let endpoint = try ScriptedEndpoint { $0 < 2 ? answer(429) : answer(200) }
        #expect(try await exporter(endpoint).export(sampleSpans()) == .success)
        let times = endpoint.received.map(\.time)
        #expect(times.count == 3)
        if times.count == 3 {
            // Backoff with jitter: the first wait is 20–40 ms, the second 40–80 ms.
            #expect(times[1] - times[0] >= .milliseconds(18))
            #expect(times[2] - times[1] >= .milliseconds(38))
        }
        await endpoint.stop()
    }

    @Test(arguments: [400, 413, 401])
    func clientErrorsAreNotRetried(status: Int) async throws {
        let endpoint = try ScriptedEndpoint { _ in answer(status) }
        let result = try await exporter(endpoint).export(sampleSpans())
        guard case .failure(let reason) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(reason.contains("\(status)"))
        #expect(endpoint.received.count == 1)
        await endpoint.stop()
    }

    @Test func retryableFailuresGiveUpAfterMaxAttempts() async throws {
        let endpoint = try ScriptedEndpoint { _ in answer(502) }
        let result = try await exporter(endpoint).export(sampleSpans())
        #expect(result != .success)
        #expect(endpoint.received.count == 4)
        await endpoint.stop()
    }

    @Test func aRetryAfterLongerThanThePolicyFailsAtOnce() async throws {
        let endpoint = try ScriptedEndpoint { _ in answer(503, retryAfter: "3600") }
        let result = try await exporter(endpoint).export(sampleSpans())
        #expect(result != .success)
        #expect(endpoint.received.count == 1)
        await endpoint.stop()
    }

    @Test func protobufGzipHeadersAndJSONArriveAsConfigured() async throws {
        let endpoint = try ScriptedEndpoint { _ in answer(200) }
        let spans = sampleSpans(3)
        let gzipped = try exporter(endpoint) { configuration in
            configuration.compression = .gzip
            configuration.headers = ["Authorization": "Bearer secret", "X-Tenant": "acme"]
        }
        #expect(await gzipped.export(spans) == .success)
        let json = try exporter(endpoint) { $0.wireProtocol = .httpJSON }
        #expect(await json.export(spans) == .success)
        let received = endpoint.received
        #expect(received.count == 2)
        if received.count == 2 {
            #expect(received[0].headers["Content-Encoding"] == "gzip")
            #expect(received[0].headers["Authorization"] == "Bearer secret")
            #expect(received[0].headers["X-Tenant"] == "acme")
            #expect(received[0].headers["Content-Type"] == "application/x-protobuf")
            // The server inflates gzip bodies itself: a body that decodes proves the gzip was valid.
            let request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(
                serializedBytes: received[0].body)
            #expect(request.resourceSpans.first?.scopeSpans.first?.spans.map(\.name) == ["span-0", "span-1", "span-2"])
            #expect(received[1].headers["Content-Type"] == "application/json")
            let text = String(decoding: received[1].body, as: UTF8.self)
            #expect(text.contains("\"traceId\":\"\(spans[0].context.traceID.hex)\""))
        }
        await endpoint.stop()
    }

    @Test func partialSuccessCountsAsDelivered() async throws {
        var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        response.partialSuccess.rejectedSpans = 1
        response.partialSuccess.errorMessage = "span-1 has no name"
        let body: [UInt8] = try response.serializedBytes()
        let endpoint = try ScriptedEndpoint { _ in HTTPResponse(contentType: "application/x-protobuf", body: body) }
        #expect(try await exporter(endpoint).export(sampleSpans()) == .success)
        #expect(endpoint.received.count == 1)
        await endpoint.stop()
    }

    @Test func anUnreachableEndpointFailsAfterRetrying() async throws {
        let configuration = OTLPExporterConfiguration(
            // AsyncHTTPClient keeps retrying a refused connection until the request times out.
            endpoint: "http://127.0.0.1:1/v1/traces", timeout: .milliseconds(300),
            retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(10)))
        let result = try await OTLPHTTPSpanExporter(configuration: configuration).export(sampleSpans())
        guard case .failure(let reason) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(reason.contains("gave up after 2 attempts"))
    }
}

@Suite("OTLP exporter configuration from the environment")
struct OTLPExporterConfigurationTests {
    @Test func endpointsProtocolHeadersCompressionAndTimeout() throws {
        let general = try OTLPExporterConfiguration.traces([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/",
            "OTEL_EXPORTER_OTLP_HEADERS": "api-key=abc%3D%3D, x-team = core",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
        ])
        #expect(general.endpoint == "http://collector:4318/v1/traces")
        #expect(general.headers == ["api-key": "abc==", "x-team": "core"])
        #expect(general.wireProtocol == .httpJSON && general.compression == .gzip)
        #expect(general.timeout == .milliseconds(2500))
        let specific = try OTLPExporterConfiguration.traces([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://traces.example.com/custom/path",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
        ])
        #expect(specific.endpoint == "https://traces.example.com/custom/path")
        #expect(specific.wireProtocol == .httpProtobuf)
        #expect(try OTLPExporterConfiguration.metrics([:]).endpoint == "http://localhost:4318/v1/metrics")
        // For gRPC the endpoint is the server, used as given, and defaults to port 4317.
        let grpc = try OTLPExporterConfiguration.logs(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        #expect(grpc.wireProtocol == .grpc)
        #expect(grpc.endpoint == "http://localhost:4317")
        let grpcGiven = try OTLPExporterConfiguration.traces([
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:443",
        ])
        #expect(grpcGiven.endpoint == "https://collector:443")
    }

    @Test func unusableValuesAreErrorsNamingTheVariable() {
        let cases = [
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/xml"), ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318"),
        ]
        for (variable, value) in cases {
            do {
                _ = try OTLPExporterConfiguration.traces([variable: value])
                Issue.record("\(variable)=\(value) was accepted")
            } catch {
                #expect(error.description.hasPrefix("\(variable)=\(value)"), "\(error)")
            }
        }
    }
}
