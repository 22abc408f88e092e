import CMicroHTTPD
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on libmicrohttpd's epoll thread pool.
///
/// Routes answer either on the worker thread (`Route.Handler.immediate`) or on a Swift task while
/// the connection is suspended (`.suspending`), so waiting never stalls a worker. Those tasks
/// run on threads of the server's own (`HandlerExecutor`), so a process whose Swift pool is
/// busy with other work still gets its requests answered. Bodies are
/// capped (413), gzip bodies inflated with a cap, responses gzip-compressed when the client
/// allows it; unknown paths get 404 and known paths with another method 405 with `Allow`.
public final class HTTPServer: Sendable {
    /// Why the server could not start.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong, naming the address.
        public let description: String
    }

    let configuration: HTTPServerConfiguration
    let router: Router
    let logger: Logger
    let observer: (@Sendable (CompletedRequest) -> Void)?
    /// Header deadlines per connection.
    let tracker: ConnectionTracker
    /// Memory for request bodies in flight.
    public let bodyBudget: BodyBudget
    /// Requests that arrived before draining began and have not completed.
    let inFlight = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)
    let failureLog: RateLimitedLogger
    /// Set to stop the header-deadline thread.
    private let reaperStopped = Atomic<Bool>(false)
    private let daemon = Mutex<DaemonHandle?>(nil)
    private let boundPort = Atomic<UInt16>(0)
    /// Connections suspended while a handler task runs; resumed before the daemon stops.
    let suspended = Mutex<SuspendedConnections>(SuspendedConnections())
    /// Streaming responses still open; finished before the daemon stops.
    private let openStreams = Mutex<[ObjectIdentifier: ResponseStream]>([:])

    /// Creates a server; call `start()` to listen.
    ///
    /// - Parameter bodyBudget: memory for request bodies in flight, shared with other
    ///   listeners; by default one of `configuration.maxInFlightBodyBytes` for this server alone.
    public init(
        configuration: HTTPServerConfiguration, router: Router, logger: Logger = Logger(label: "http"),
        bodyBudget: BodyBudget? = nil, observer: (@Sendable (CompletedRequest) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.observer = observer
        tracker = ConnectionTracker(headerTimeoutSeconds: configuration.requestHeaderTimeoutSeconds)
        self.bodyBudget = bodyBudget ?? BodyBudget(limit: configuration.maxInFlightBodyBytes)
        failureLog = RateLimitedLogger(logger: logger)
    }

    /// Whether the server is draining: requests already in flight finish, new requests to
    /// suspending routes are answered 503 at once, and every response closes its connection.
    public var isDraining: Bool { draining.load(ordering: .acquiring) }

    /// Requests received before draining began that are still being served.
    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Connections closed because their request headers did not arrive in time.
    public var headerTimeouts: Int { tracker.expired }

    /// Bytes of request bodies held now, counted against `maxInFlightBodyBytes`.
    public var bodyBytesInFlight: Int { bodyBudget.inUse }

    /// Starts draining (see `isDraining`); `stop()` does this too.
    public func beginDraining() {
        draining.store(true, ordering: .releasing)
    }

    /// The address actually bound (with the real port when port 0 was asked for).
    public var boundAddress: ListenAddress { configuration.address.with(port: boundPort.load(ordering: .acquiring)) }

    /// Binds and starts the worker threads.
    public func start() throws(StartError) {
        var storage = sockaddr_storage()
        let address = configuration.address
        var flags = MHD_USE_EPOLL_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
            | MHD_USE_ERROR_LOG.rawValue
        if address.isIPv6 {
            flags |= MHD_USE_IPv6.rawValue
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
                    ipv6.pointee.sin6_family = sa_family_t(AF_INET6)
                    ipv6.pointee.sin6_port = address.port.bigEndian
                    _ = inet_pton(AF_INET6, address.host, &ipv6.pointee.sin6_addr)
                }
            }
        } else {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
                    ipv4.pointee.sin_family = sa_family_t(AF_INET)
                    ipv4.pointee.sin_port = address.port.bigEndian
                    _ = inet_pton(AF_INET, address.host, &ipv4.pointee.sin_addr)
                }
            }
        }
        let threads = configuration.threads > 0 ? configuration.threads : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let context = Unmanaged.passUnretained(self).toOpaque()
        let started: OpaquePointer? = withUnsafeMutablePointer(to: &storage) { storagePointer in
            var options: [MHD_OptionItem] = [
                MHD_OptionItem(option: MHD_OPTION.THREAD_POOL_SIZE, value: threads, ptr_value: nil),
                MHD_OptionItem(option: MHD_OPTION.CONNECTION_LIMIT, value: configuration.connectionLimit, ptr_value: nil),
                MHD_OptionItem(
                    option: MHD_OPTION.CONNECTION_TIMEOUT, value: configuration.connectionTimeoutSeconds, ptr_value: nil),
                MHD_OptionItem(
                    option: MHD_OPTION.PER_IP_CONNECTION_LIMIT, value: configuration.perIPConnectionLimit, ptr_value: nil),
                MHD_OptionItem(
                    option: MHD_OPTION.CONNECTION_MEMORY_LIMIT, value: configuration.connectionMemoryLimit, ptr_value: nil),
                MHD_OptionItem(
                    option: MHD_OPTION.SOCK_ADDR, value: 0, ptr_value: UnsafeMutableRawPointer(storagePointer)),
                MHD_OptionItem(
                    option: MHD_OPTION.NOTIFY_COMPLETED, value: unsafeBitCast(requestCompletedCallback, to: Int.self),
                    ptr_value: context),
                MHD_OptionItem(
                    option: MHD_OPTION.URI_LOG_CALLBACK, value: unsafeBitCast(uriLogCallback, to: Int.self),
                    ptr_value: context),
                MHD_OptionItem(
                    option: MHD_OPTION.NOTIFY_CONNECTION, value: unsafeBitCast(connectionNotifyCallback, to: Int.self),
                    ptr_value: context),
                MHD_OptionItem(
                    option: MHD_OPTION.EXTERNAL_LOGGER, value: unsafeBitCast(libraryLogCallback, to: Int.self),
                    ptr_value: context),
                MHD_OptionItem(option: MHD_OPTION.END, value: 0, ptr_value: nil),
            ]
            return options.withUnsafeMutableBufferPointer { buffer in
                telemetry_mhd_start(UInt32(flags), address.port, accessHandlerCallback, context, buffer.baseAddress)
            }
        }
        guard let started else {
            throw StartError(description: "cannot listen on \(address): \(String(cString: strerror(errno)))")
        }
        daemon.withLock { $0 = DaemonHandle(pointer: started) }
        startReaper()
        boundPort.store(Self.port(of: telemetry_mhd_listen_fd(started)) ?? address.port, ordering: .releasing)
        logger.info("listening", metadata: ["address": "\(boundAddress)", "threads": "\(threads)"])
    }

    /// Drains, then stops: requests in flight get up to `gracePeriodSeconds` to finish while
    /// new requests are still answered at once (`isDraining`); then the listening socket is
    /// closed, so later connections are refused rather than left hanging, handlers still
    /// running are answered 503, and the workers stop. Safe to call more than once.
    public func stop(gracePeriodSeconds: Double = 5) async {
        beginDraining()
        // Streams last until closed: end them now so their requests can complete.
        // Finishing resumes a stream's suspended connection.
        for stream in openStreams.withLock({ Array($0.values) }) { stream.finish() }
        let deadline = MonotonicClock.nanoseconds() + UInt64(gracePeriodSeconds * 1e9)
        while inFlight.load(ordering: .relaxed) > 0, MonotonicClock.nanoseconds() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let taken = daemon.withLock { handle in
            defer { handle = nil }
            return handle
        }
        guard let running = taken?.pointer else { return }
        reaperStopped.store(true, ordering: .releasing)
        // After quiescing, the listening socket is ours to close, but only after the workers
        // stop. Shutting it down now makes the kernel refuse new connections at once instead
        // of queueing them in the backlog until they are reset.
        let listener = MHD_quiesce_daemon(running)
        if listener >= 0 { _ = shutdown(listener, Int32(SHUT_RDWR)) }
        while suspended.withLock({ !$0.isEmpty }), MonotonicClock.nanoseconds() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let leftover = suspended.withLock { $0.closeAll() }
        for context in leftover {
            context.pendingResponse.withLock { $0 = .text("server is shutting down", status: 503) }
            MHD_resume_connection(context.connection)
        }
        // Resuming only schedules the connection; give the workers a moment to send the 503s
        // before stopping closes every connection.
        let sendDeadline = MonotonicClock.nanoseconds() + 2_000_000_000
        while leftover.contains(where: { !$0.isFinished.load(ordering: .acquiring) }),
            MonotonicClock.nanoseconds() < sendDeadline
        {
            try? await Task.sleep(for: .milliseconds(5))
        }
        MHD_stop_daemon(running)
        if listener >= 0 { close(listener) }
        logger.info("stopped", metadata: ["address": "\(boundAddress)"])
    }

    /// Number of streaming responses open now.
    public var openStreamCount: Int { openStreams.withLock { $0.count } }

    /// Remembers `stream` until it closes, so that `stop()` can end it.
    func track(_ stream: ResponseStream) {
        let key = ObjectIdentifier(stream)
        openStreams.withLock { $0[key] = stream }
        stream.onClose { [weak self] in self?.openStreams.withLock { _ = $0.removeValue(forKey: key) } }
    }

    /// Enforces header deadlines on its own thread, so that handlers keeping every thread of
    /// the Swift concurrency pool busy cannot delay it.
    private func startReaper() {
        let thread = Thread { [self] in
            ThreadName.setCurrent("http-deadlines")
            while !reaperStopped.load(ordering: .acquiring) {
                usleep(250_000)
                tracker.shutDownExpired()
            }
        }
        thread.start()
    }

    private static func port(of socket: Int32) -> UInt16? {
        guard socket >= 0 else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard result == 0 else { return nil }
        let family = storage.ss_family
        return withUnsafeBytes(of: &storage) { raw in
            if family == sa_family_t(AF_INET6) {
                return UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
            }
            return UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
        }
    }
}

/// libmicrohttpd's daemon pointer; the calls made on it (quiesce, stop) may come from any thread.
struct DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Requests whose connection is suspended, and whether new suspensions are still allowed.
struct SuspendedConnections {
    private var contexts: [ObjectIdentifier: RequestContext] = [:]
    private(set) var isClosed = false

    var isEmpty: Bool { contexts.isEmpty }

    mutating func insert(_ context: RequestContext) -> Bool {
        guard !isClosed else { return false }
        contexts[ObjectIdentifier(context)] = context
        return true
    }

    /// Removes the context; false if it was already taken by `closeAll`.
    mutating func remove(_ context: RequestContext) -> Bool {
        contexts.removeValue(forKey: ObjectIdentifier(context)) != nil
    }

    mutating func closeAll() -> [RequestContext] {
        isClosed = true
        defer { contexts.removeAll() }
        return Array(contexts.values)
    }
}
