import Foundation
import OTLP
import Testing

typealias TraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
typealias LogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest

@Suite("OTLP/JSON codec")
struct OTLPJSONTests {
    let hexBody = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
         "scopeSpans":[{"scope":{"name":"s"},"spans":[{
           "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"",
           "name":"op","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
           "attributes":[{"key":"n","value":{"intValue":"7"}}],
           "status":{"code":2,"message":"boom"},"flags":257,"futureField":{"x":1}}]}]}]}
        """

    @Test func decodesHexIdsIntegerEnumsStringAndNumberInt64sAndIgnoresUnknownFields() throws {
        let request = try OTLPJSON.decode(TraceRequest.self, from: Array(hexBody.utf8))
        let span = try #require(request.resourceSpans.first?.scopeSpans.first?.spans.first)
        #expect(Hex.encode(span.traceID) == "5b8efff798038103d269b633813fc60c")
        #expect(Hex.encode(span.spanID) == "eee19b7ec3c1b174")
        #expect(span.parentSpanID.isEmpty)
        #expect(span.kind == .server)
        #expect(span.startTimeUnixNano == 1_544_712_660_000_000_000)
        #expect(span.endTimeUnixNano == 1_544_712_661_000_000_000)
        #expect(span.attributes.first?.value.intValue == 7)
        #expect(span.status.code == .error)
        #expect(span.flags == 257)
    }

    @Test func acceptsBase64IdsEnumNamesAndSnakeCaseKeys() throws {
        let traceID = Data(Hex.decode("5b8efff798038103d269b633813fc60c") ?? [])
        let spanID = Data(Hex.decode("eee19b7ec3c1b174") ?? [])
        let body = """
            {"resource_spans":[{"scope_spans":[{"spans":[{"trace_id":"\(traceID.base64EncodedString())",
             "span_id":"\(spanID.base64EncodedString())","kind":"SPAN_KIND_CLIENT","name":"b64"}]}]}]}
            """
        let span = try #require(
            try OTLPJSON.decode(TraceRequest.self, from: Array(body.utf8)).resourceSpans.first?.scopeSpans.first?.spans.first)
        #expect(span.traceID == traceID)
        #expect(span.spanID == spanID)
        #expect(span.kind == .client)
    }

    @Test func encodesHexIdsAndIntegerEnumsThatDecodeBackIdentically() throws {
        let original = try OTLPJSON.decode(TraceRequest.self, from: Array(hexBody.utf8))
        let encoded = try OTLPJSON.encode(original)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains("\"traceId\":\"5b8efff798038103d269b633813fc60c\""))
        #expect(text.contains("\"spanId\":\"eee19b7ec3c1b174\""))
        #expect(text.contains("\"kind\":2"))
        #expect(!text.contains("SPAN_KIND"))
        #expect(try OTLPJSON.decode(TraceRequest.self, from: encoded) == original)
    }

    @Test func logsCarryEventNameAndSeverity() throws {
        let body = """
            {"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1","severityNumber":17,
             "severityText":"ERROR","body":{"stringValue":"disk full"},"eventName":"disk.alert",
             "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}]}
            """
        let record = try #require(
            try OTLPJSON.decode(LogsRequest.self, from: Array(body.utf8)).resourceLogs.first?.scopeLogs.first?.logRecords.first)
        #expect(record.severityNumber == .error)
        #expect(record.body.stringValue == "disk full")
        #expect(record.eventName == "disk.alert")
        #expect(Hex.encode(record.spanID) == "eee19b7ec3c1b174")
    }

    @Test(arguments: [
        ("", "invalid JSON"), ("[1,2]", "expected a JSON object"), ("{\"resourceSpans\":", "invalid JSON"),
        ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":12}]}]}]}", "invalid OTLP/JSON"),
        ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":[]}]}]}]}", "invalid OTLP/JSON"),
        ("{\"resourceSpans\":{}}", "invalid OTLP/JSON"),
    ])
    func malformedBodiesGiveAnError(body: String, expected: String) {
        #expect {
            _ = try OTLPJSON.decode(TraceRequest.self, from: Array(body.utf8))
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func unknownEnumNamesAreIgnoredAndIdLengthsAreLeftToTheReceiver() throws {
        let body = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_FUTURE","traceId":"zz","name":"x"}]}]}]}
            """
        let span = try #require(
            try OTLPJSON.decode(TraceRequest.self, from: Array(body.utf8)).resourceSpans.first?.scopeSpans.first?.spans.first)
        #expect(span.kind == .unspecified)
        #expect(span.name == "x")
        // Not a 16-byte id: the receiver rejects such spans through partial_success.
        #expect(span.traceID.count != 16)
    }

    @Test func hexRoundTrips() {
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xab, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
