import CMicroHTTPD
import GzipCodec

extension HTTPServer {
    /// First call: only an oversize `Content-Length` is answered here (which closes the
    /// connection, as intended). Everything else waits for the final call so keep-alive holds.
    func headersArrived(_ context: RequestContext) -> MHD_Result {
        if let length = context.headers["Content-Length"].flatMap(Int.init), length > configuration.maxBodyBytes {
            context.routePattern = "rejected"
            return queue(tooLarge(), for: context)
        }
        return .YES
    }

    /// Final call: the body is complete, or a suspended handler has finished.
    func requestComplete(_ context: RequestContext) -> MHD_Result {
        if context.isRunningHandler {
            guard let response = context.pendingResponse.withLock({ $0.take() }) else { return .YES }
            return queue(response, for: context)
        }
        if context.bodyTooLarge {
            context.routePattern = "rejected"
            return queue(tooLarge(), for: context)
        }
        switch router.resolve(method: context.method, path: context.path) {
        case .notFound:
            context.routePattern = "not_found"
            return queue(.text("not found: \(context.path)", status: 404), for: context)
        case .methodNotAllowed(let allowed):
            context.routePattern = "method_not_allowed"
            var response = HTTPResponse.text("method \(context.method) not allowed on \(context.path)", status: 405)
            response.headers.set("Allow", allowed.joined(separator: ", "))
            return queue(response, for: context)
        case .matched(let route, let parameters):
            context.routePattern = route.pattern
            let body: [UInt8]
            do {
                body = try decodedBody(context)
            } catch {
                return queue(error.response, for: context)
            }
            let request = HTTPRequest(
                method: context.method, path: context.path, query: context.query, headers: context.headers,
                body: body, pathParameters: parameters)
            context.body = []
            switch route.handler {
            case .immediate(let handler):
                return queue(Self.run(handler, request), for: context)
            case .suspending(let handler):
                return suspend(context, running: handler, with: request)
            }
        }
    }

    private func suspend(
        _ context: RequestContext, running handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse,
        with request: HTTPRequest
    ) -> MHD_Result {
        guard suspended.withLock({ $0.insert(context) }) else {
            return queue(.text("server is shutting down", status: 503), for: context)
        }
        context.isRunningHandler = true
        MHD_suspend_connection(context.connection)
        Task {
            let response: HTTPResponse
            do {
                response = try await handler(request)
            } catch {
                response = HTTPError.response(for: error)
            }
            // If stop() already took the context it has answered 503 and resumed the connection.
            guard self.suspended.withLock({ $0.remove(context) }) else { return }
            context.pendingResponse.withLock { $0 = response }
            MHD_resume_connection(context.connection)
        }
        return .YES
    }

    private static func run(
        _ handler: @Sendable (HTTPRequest) throws -> HTTPResponse, _ request: HTTPRequest
    ) -> HTTPResponse {
        do {
            return try handler(request)
        } catch {
            return HTTPError.response(for: error)
        }
    }

    /// The body with `Content-Encoding` removed: gzip inflated under the cap, identity as is.
    private func decodedBody(_ context: RequestContext) throws(HTTPError) -> [UInt8] {
        guard let encoding = context.headers["Content-Encoding"]?.lowercased(), encoding != "identity" else {
            return context.body
        }
        guard encoding == "gzip" || encoding == "x-gzip" else {
            throw HTTPError(status: 415, message: "unsupported Content-Encoding \"\(encoding)\"; use gzip or identity")
        }
        do throws(Gzip.InflateError) {
            return try Gzip.inflate(context.body, limit: configuration.maxInflatedBodyBytes)
        } catch {
            switch error {
            case .tooLarge(let limit):
                throw HTTPError(status: 413, message: "gzip body inflates to more than \(limit) bytes")
            case .corrupt(let reason):
                throw HTTPError(status: 400, message: "invalid gzip body: \(reason)")
            }
        }
    }

    private func tooLarge() -> HTTPResponse {
        .text("request body larger than \(configuration.maxBodyBytes) bytes", status: 413)
    }

    /// Builds the libmicrohttpd response, compresses it if allowed, queues it, reports it.
    private func queue(_ response: HTTPResponse, for context: RequestContext) -> MHD_Result {
        var response = response
        let compressible = context.method != "HEAD" && response.headers["Content-Encoding"] == nil
            && AcceptEncoding.allowsGzip(context.headers["Accept-Encoding"])
        if compressible, case .bytes(let bytes) = response.body, bytes.count >= configuration.minimumCompressedBytes,
            let compressed = Gzip.deflate(bytes)
        {
            response.body = .bytes(compressed)
            response.headers.set("Content-Encoding", "gzip")
        }
        if case .bytes = response.body { response.headers.add("Vary", "Accept-Encoding") }
        // Only a file body that cannot be opened fails here.
        guard let native = ResponseBuilder.make(response) else {
            return queue(.text("not found: \(context.path)", status: 404), for: context)
        }
        defer { MHD_destroy_response(native) }
        report(context, status: response.status)
        return MHD_queue_response(context.connection, UInt32(response.status), native)
    }

    private func report(_ context: RequestContext, status: Int) {
        guard let observer else { return }
        observer(
            CompletedRequest(
                handler: context.routePattern, method: Self.boundedMethod(context.method), status: status,
                durationSeconds: context.elapsedSeconds))
    }

    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    static func boundedMethod(_ method: String) -> String {
        knownMethods.contains(method) ? method : "other"
    }
}
