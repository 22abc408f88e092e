// libFuzzer harness: OTLP/HTTP protobuf bodies through decoding (strict, then lenient),
// conversion to rows and metric series, and exposition of the series. Whatever the span wire
// decoder takes must decode strictly too, to the same rows, rejections and cuts.
import FuzzDriver
import OTLP
import SwiftProtobuf
import Telemetry
@testable import TelemetryServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOTLPProtobuf(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let traces = (try? SpanConverter.Request(serializedBytes: bytes))
        ?? LenientDecoder(resources: \SpanConverter.Request.resourceSpans, scopes: \.scopeSpans, items: \.spans, itemName: "span")
        .decode(bytes)?.0
    if let traces { _ = SpanConverter.convert(traces, receivedAt: 1, maxValueBytes: 64) }
    if let wire = SpanWireDecoder.convert(bytes, receivedAt: 1, maxValueBytes: 64) {
        guard let strict = try? SpanConverter.Request(serializedBytes: bytes) else {
            fatalError("the wire decoder took an export SwiftProtobuf refuses")
        }
        let expected = SpanConverter.convert(strict, receivedAt: 1, maxValueBytes: 64)
        guard wire.rows == expected.rows, wire.rejections == expected.rejections,
            wire.truncatedValues == expected.truncatedValues
        else { fatalError("the wire decoder's rows differ: \(wire) against \(expected)") }
    }
    let logs = (try? LogConverter.Request(serializedBytes: bytes))
        ?? LenientDecoder(resources: \LogConverter.Request.resourceLogs, scopes: \.scopeLogs, items: \.logRecords, itemName: "log")
        .decode(bytes)?.0
    if let logs { _ = LogConverter.convert(logs, receivedAt: 1, maxValueBytes: 64) }
    if let metrics = try? MetricConverter.Request(serializedBytes: bytes) {
        let converted = MetricConverter.convert(metrics)
        let store = OTLPMetricStore(staleAfterNanos: 1 << 40, maxSeries: 1000)
        _ = store.apply(converted.updates)
        let registry = MetricRegistry()
        registry.register(collector: store)
        _ = ExpositionEncoder(format: .openMetrics).encode(registry)
        _ = ExpositionEncoder(format: .prometheusText).encode(registry)
    }
    return 0
}

@_cdecl("FuzzOTLPProtobuf_main")
public func fuzzOTLPProtobufMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv) { fuzzOTLPProtobuf($0, $1) }
}
