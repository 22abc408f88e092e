import Foundation
import GRPCCore
import GRPCNIOTransportCore
import OTLP
import Testing

@testable import TelemetryServer

/// A gRPC message reaches the receive path where NIO's transport left it, and reads the same
/// as the bytes copied out.
@Suite("gRPC message bytes")
struct GRPCMessageBytesTests {
    /// A trace export of `count` spans named `span-<n>`.
    static func traceExport(spans count: Int) throws -> [UInt8] {
        var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scope.spans = (0..<count).map { index in
            var span = Opentelemetry_Proto_Trace_V1_Span()
            span.traceID = Data(repeating: 7, count: 16)
            span.spanID = Data((0..<8).map { UInt8(truncatingIfNeeded: $0 + index + 1) })
            span.name = "span-\(index)"
            span.startTimeUnixNano = 1_000 + UInt64(index)
            span.endTimeUnixNano = 2_000 + UInt64(index)
            return span
        }
        var resource = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resource.scopeSpans = [scope]
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        request.resourceSpans = [resource]
        return try request.serializedBytes()
    }

    @Test func theTransportsBufferIsReadInPlace() throws {
        let export = try Self.traceExport(spans: 3)
        let received = GRPCNIOTransportBytes(export)
        let message = try RawMessageDeserializer().deserialize(received)

        let transportAddress = received.withUnsafeBytes { $0.baseAddress }
        let messageAddress = message.withUnsafeBytes { $0.baseAddress }
        #expect(messageAddress == transportAddress, "the message still points into the transport's buffer")
        #expect(message.count == export.count)
        #expect(message.array == export)

        let fromBuffer = try #require(SpanWireDecoder.convert(message, receivedAt: 5, maxValueBytes: 64))
        let fromArray = try #require(SpanWireDecoder.convert(export, receivedAt: 5, maxValueBytes: 64))
        #expect(fromBuffer.rows.map(\.name) == ["span-0", "span-1", "span-2"])
        #expect(fromBuffer.rows == fromArray.rows)
    }

    @Test func otherBytesAreCopied() throws {
        let export = try Self.traceExport(spans: 1)
        let message = try RawMessageDeserializer().deserialize(export)
        #expect(message.count == export.count)
        #expect(message.array == export)
        #expect(SpanWireDecoder.convert(message, receivedAt: 5, maxValueBytes: 64)?.rows.map(\.name) == ["span-0"])
    }
}
