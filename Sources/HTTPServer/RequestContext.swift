import CMicroHTTPD
import Synchronization

/// What the server keeps about one request between libmicrohttpd's calls (`*con_cls`).
///
/// libmicrohttpd calls the handler for one connection on one thread at a time, so the
/// accumulating fields need no lock; only `pendingResponse`, written by a Swift task while the
/// connection is suspended, is shared across threads and sits behind a mutex.
final class RequestContext: @unchecked Sendable {
    let connection: OpaquePointer
    let method: String
    let path: String
    let startNanoseconds: UInt64
    var headers = HTTPHeaders()
    var query: [(name: String, value: String)] = []
    var body: [UInt8] = []
    var bodyTooLarge = false
    /// Set once a suspending handler has been started.
    var isRunningHandler = false
    var routePattern = ""
    let pendingResponse = Mutex<HTTPResponse?>(nil)
    /// Set when libmicrohttpd reports the request finished (response sent or connection gone).
    let isFinished = Atomic<Bool>(false)

    init(connection: OpaquePointer, method: String, path: String) {
        self.connection = connection
        self.method = method
        self.path = path
        startNanoseconds = MonotonicClock.nanoseconds()
    }

    /// Reads headers and query arguments from libmicrohttpd.
    func collectHeadersAndQuery() {
        let unmanaged = Unmanaged.passUnretained(self).toOpaque()
        MHD_get_connection_values(connection, MHD_ValueKind.HEADER_KIND, { cls, _, key, value in
            guard let cls, let key else { return .YES }
            let context = Unmanaged<RequestContext>.fromOpaque(cls).takeUnretainedValue()
            context.headers.add(String(cString: key), value.map { String(cString: $0) } ?? "")
            return .YES
        }, unmanaged)
        MHD_get_connection_values(connection, MHD_ValueKind.GET_ARGUMENT_KIND, { cls, _, key, value in
            guard let cls, let key else { return .YES }
            let context = Unmanaged<RequestContext>.fromOpaque(cls).takeUnretainedValue()
            context.query.append((name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
            return .YES
        }, unmanaged)
    }

    var elapsedSeconds: Double {
        Double(MonotonicClock.nanoseconds() &- startNanoseconds) / 1e9
    }
}
