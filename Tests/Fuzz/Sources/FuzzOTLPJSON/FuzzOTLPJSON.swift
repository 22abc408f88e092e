// libFuzzer harness: OTLP/JSON bodies through decoding and conversion.
import FuzzDriver
import OTLP
@testable import TelemetryServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOTLPJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let traces = try? OTLPJSON.decode(SpanConverter.Request.self, from: bytes) {
        _ = SpanConverter.convert(traces, receivedAt: 1, maxValueBytes: 64)
    }
    if let logs = try? OTLPJSON.decode(LogConverter.Request.self, from: bytes) {
        _ = LogConverter.convert(logs, receivedAt: 1, maxValueBytes: 64)
    }
    if let metrics = try? OTLPJSON.decode(MetricConverter.Request.self, from: bytes) {
        _ = MetricConverter.convert(metrics)
    }
    return 0
}

@_cdecl("FuzzOTLPJSON_main")
public func fuzzOTLPJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv) { fuzzOTLPJSON($0, $1) }
}
