import CMicroHTTPD
import Synchronization

/// What the server keeps about one request between libmicrohttpd's calls (`*con_cls`).
///
/// It is created when the request line arrives (libmicrohttpd's URI log callback, which sees
/// the target before any decoding) and released when the request completes. libmicrohttpd
/// calls the handler for one connection on one thread at a time, so the accumulating fields
/// need no lock; only `pendingResponse`, written by a Swift task while the connection is
/// suspended, is shared across threads and sits behind a mutex.
final class RequestContext: @unchecked Sendable {
    let connection: OpaquePointer
    /// The target as sent, split and decoded; nil with `targetProblem` when it cannot be.
    let target: RequestTarget?
    let targetProblem: RequestTarget.Problem?
    let startNanoseconds: UInt64
    /// Set on the first handler call, when the headers are complete.
    var method = ""
    var headers = HTTPHeaders()
    var headersComplete = false
    /// The route chosen when the headers arrived (nil: not found or method not allowed).
    var resolution: Router.Resolution = .notFound
    var body: [UInt8] = []
    var bodyTooLarge = false
    /// The body did not fit the server's memory budget for bodies in flight.
    var overBudget = false
    /// Bytes of the body budget this request holds; given back when it completes.
    var reservedBytes = 0
    /// Counted as in flight (arrived before the server began draining).
    var countedInFlight = false
    /// Set once a suspending handler has been started.
    var isRunningHandler = false
    var routePattern = ""
    let pendingResponse = Mutex<HTTPResponse?>(nil)
    /// Set when libmicrohttpd reports the request finished (response sent or connection gone).
    let isFinished = Atomic<Bool>(false)

    init(connection: OpaquePointer, rawTarget: String, maxQueryParameters: Int) {
        self.connection = connection
        do {
            target = try RequestTarget(rawTarget, maxQueryParameters: maxQueryParameters)
            targetProblem = nil
        } catch {
            target = nil
            targetProblem = error
        }
        startNanoseconds = MonotonicClock.nanoseconds()
    }

    /// The path as sent, for messages.
    var rawPath: String { target?.rawPath ?? "/" }

    /// Reads the headers from libmicrohttpd (the query comes from the raw target instead).
    func collectHeaders() {
        let unmanaged = Unmanaged.passUnretained(self).toOpaque()
        MHD_get_connection_values(connection, MHD_ValueKind.HEADER_KIND, { cls, _, key, value in
            guard let cls, let key else { return .YES }
            let context = Unmanaged<RequestContext>.fromOpaque(cls).takeUnretainedValue()
            context.headers.add(String(cString: key), value.map { String(cString: $0) } ?? "")
            return .YES
        }, unmanaged)
    }

    var elapsedSeconds: Double {
        Double(MonotonicClock.nanoseconds() &- startNanoseconds) / 1e9
    }
}
