import Foundation
import Telemetry
import TestSupport
import Testing

private func protoAvailable() -> Bool {
    ExternalTool.isCI || PythonPeer.canImport("opentelemetry.proto.collector.trace.v1.trace_service_pb2")
}

/// The Python receiver running in the background: its port, then its report when it exits.
private final class ReceiverProcess: @unchecked Sendable {
    // @unchecked: the process and pipe are only touched by the test task that owns this object.
    let process = Process()
    let output = Pipe()
    private(set) var port = 0

    init(expectedSpans: Int) throws {
        let python = try #require(ExternalTool.find("python3"))
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["\(PythonPeer.directory)/otlp_receiver.py", String(expectedSpans), "60"]
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try ProcessLaunch.run(process)
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first, first != UInt8(ascii: "\n") else { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        port = try #require(Int(text.dropFirst("port ".count)), "receiver said: \(text)")
    }

    /// Waits for the receiver to exit and returns what it decoded.
    func report() -> Data {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
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
        let receiver = try ReceiverProcess(expectedSpans: 4)
        let exporter = try OTLPHTTPSpanExporter(
            configuration: OTLPExporterConfiguration(
                endpoint: "http://127.0.0.1:\(receiver.port)/v1/traces", wireProtocol: wire, compression: compression))
        let provider = TracerProvider(
            resource: Resource(attributes: ["service.name": "interop", "deployment.environment": "test"]),
            sampler: AlwaysOnSampler(), processors: [BatchSpanProcessor(exporter: exporter)])
        let tracer = provider.tracer("interop.swift", version: "2.0")
        let linked = tracer.startSpan("linked", parent: nil, kind: .producer)
        linked.end()
        let state = try #require(TraceState(header: "vendor=abc"))
        let remote = SpanContext(
            traceID: .random(), spanID: .random(), traceFlags: .sampled, traceState: state, isRemote: true)
        var childContext: SpanContext?
        try? await tracer.withSpan(
            "checkout", parent: remote, kind: .server,
            attributes: [
                "http.route": "/checkout", "items": 3, "ratio": 0.5, "vip": true,
                "tags": .stringArray(["a", "b"]), "sizes": .intArray([1, 2, 3]),
            ], links: [SpanLink(linked.context, attributes: ["reason": "batch"])]
        ) { span in
            span.addEvent("validated", attributes: ["count": 2])
            try await tracer.withSpan("charge card", kind: .client) { child in
                childContext = child.context
                throw InteropFailure.declined
            }
        }
        tracer.startSpan("unparented", parent: nil).end()
        await provider.shutdown()
        let output = try await blocking { receiver.report() }
        let report = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let spans = try #require(report["spans"] as? [[String: Any]])
        let byName = Dictionary(spans.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(spans.count == 4)
        let root = try #require(byName["checkout"])
        let child = try #require(byName["charge card"])
        #expect(root["traceId"] as? String == remote.traceID.hex)
        #expect(root["parentSpanId"] as? String == remote.spanID.hex)
        #expect(root["traceState"] as? String == "vendor=abc")
        #expect(root["flags"] as? Int == 0x301, "sampled, parent known to be remote")
        #expect(root["kind"] as? String == "SPAN_KIND_SERVER")
        let attributes = try #require(root["attributes"] as? [String: Any])
        #expect(attributes["http.route"] as? String == "/checkout")
        #expect(attributes["items"] as? Int == 3)
        #expect(attributes["ratio"] as? Double == 0.5)
        #expect(attributes["vip"] as? Bool == true)
        #expect(attributes["tags"] as? [String] == ["a", "b"])
        #expect(attributes["sizes"] as? [Int] == [1, 2, 3])
        let event = try #require((root["events"] as? [[String: Any]])?.first)
        #expect(event["name"] as? String == "validated")
        #expect((event["attributes"] as? [String: Any])?["count"] as? Int == 2)
        let link = try #require((root["links"] as? [[String: Any]])?.first)
        #expect(link["traceId"] as? String == linked.context.traceID.hex)
        #expect(link["spanId"] as? String == linked.context.spanID.hex)
        #expect((link["attributes"] as? [String: Any])?["reason"] as? String == "batch")
        #expect((root["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_ERROR")
        #expect(child["spanId"] as? String == childContext?.spanID.hex)
        #expect(child["parentSpanId"] as? String == root["spanId"] as? String)
        #expect(child["traceId"] as? String == remote.traceID.hex)
        #expect(child["flags"] as? Int == 0x101, "sampled, parent known to be local")
        #expect(child["kind"] as? String == "SPAN_KIND_CLIENT")
        #expect((child["status"] as? [String: Any])?["message"] as? String == "card declined")
        let exception = try #require((child["events"] as? [[String: Any]])?.first)
        #expect(exception["name"] as? String == "exception")
        #expect((exception["attributes"] as? [String: Any])?["exception.message"] as? String == "card declined")
        #expect(try #require(child["end"] as? Int) >= (child["start"] as? Int ?? .max))
        #expect(byName["unparented"]?["parentSpanId"] as? String == "")
        #expect((root["resource"] as? [String: Any])?["service.name"] as? String == "interop")
        #expect((root["scope"] as? [String: Any])?["version"] as? String == "2.0")
        let request = try #require((report["requests"] as? [[String: Any]])?.first)
        #expect(request["contentType"] as? String == (wire == .httpJSON ? "application/json" : "application/x-protobuf"))
        #expect(request["encoding"] as? String == (compression == .gzip ? "gzip" : ""))
    }
}

private enum InteropFailure: Error, CustomStringConvertible {
    case declined
    var description: String { "card declined" }
}
