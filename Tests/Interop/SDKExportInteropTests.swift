import Foundation
import Telemetry
import TestSupport
import Testing

private func protoAvailable() -> Bool {
    ExternalTool.isCI || PythonPeer.canImport("opentelemetry.proto.collector.trace.v1.trace_service_pb2")
}

@Suite("The SDK's OTLP exporter is decoded by opentelemetry-proto (Python)", .enabled(if: protoAvailable()))
struct SDKExportInteropTests {
    @Test(arguments: [
        (OTLPExporterConfiguration.WireProtocol.httpProtobuf, OTLPExporterConfiguration.Compression.none),
        (.httpProtobuf, .gzip), (.httpJSON, .none),
    ])
    func spansArriveWithIdsParentsAttributesEventsLinksAndStatus(
        wire: OTLPExporterConfiguration.WireProtocol, compression: OTLPExporterConfiguration.Compression
    ) async throws {
        let receiver = try PythonReceiver(script: "otlp_receiver.py", arguments: ["4", "60"])
        let exporter = try OTLPHTTPSpanExporter(
            configuration: OTLPExporterConfiguration(
                endpoint: "http://127.0.0.1:\(receiver.port)/v1/traces", wireProtocol: wire, compression: compression))
        let provider = TracerProvider(
            resource: Resource(attributes: ["service.name": "interop", "deployment.environment": "test"]),
            sampler: AlwaysOnSampler(), processors: [BatchSpanProcessor(exporter: exporter)])
        let sent = await InteropSpans.record(with: provider.tracer("interop.swift", version: "2.0"))
        await provider.shutdown()
        let output = try await blocking { receiver.report() }
        let report = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        try sent.check(try #require(report["spans"] as? [[String: Any]]))
        let request = try #require((report["requests"] as? [[String: Any]])?.first)
        #expect(request["contentType"] as? String == (wire == .httpJSON ? "application/json" : "application/x-protobuf"))
        #expect(request["encoding"] as? String == (compression == .gzip ? "gzip" : ""))
    }
}

