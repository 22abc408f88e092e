// libFuzzer harness: a request target (path and query string) through the server's target
// parser, the router, and every query API parameter parser.
@testable import HTTPServer
@testable import TelemetryServer

private let router: Router = {
    var router = Router()
    for pattern in ["/api/services/{service}/operations", "/api/traces/{traceId}", "/files/*"] {
        router.add(Route("GET", pattern, handler: .immediate { _ in .text("") }))
    }
    return router
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let target = try? RequestTarget(text, maxQueryParameters: 1000) else { return 0 }
    var parameters: [String: String] = [:]
    if case .matched(_, let matched) = router.resolve(method: "GET", segments: target.segments) { parameters = matched }
    let request = HTTPRequest(method: "GET", path: target.rawPath, query: target.query, pathParameters: parameters)
    _ = try? TraceSearch(request).sql
    _ = try? LogSearch(request).sql
    _ = try? TracePage(request)
    _ = try? TagFilter.parse(request.queryValues("tags"))
    _ = QueryParameters.parseDuration(text)
    return 0
}

// SwiftPM links an executable's entry point as `FuzzQuery_main`; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzQuery_main")
public func fuzzQueryMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runDriver(&count, &arguments, { fuzzQuery($0, $1) })
}
