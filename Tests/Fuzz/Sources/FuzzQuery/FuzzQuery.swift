// libFuzzer harness: a request target (path and query string) through the server's target
// parser, the router, and every query API parameter parser.
import FuzzDriver
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

@_cdecl("FuzzQuery_main")
public func fuzzQueryMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv) { fuzzQuery($0, $1) }
}
