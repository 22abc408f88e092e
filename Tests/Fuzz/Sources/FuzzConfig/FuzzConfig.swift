// libFuzzer harness: the YAML configuration reader and the value grammars it uses.
import FuzzDriver
import TelemetryServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ServerConfiguration.parse(text, file: "fuzz.yml")
    _ = PrometheusDuration(text)
    _ = ByteSize(text)
    return 0
}

@_cdecl("FuzzConfig_main")
public func fuzzConfigMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv) { fuzzConfig($0, $1) }
}
