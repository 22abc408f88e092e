import CMicroHTTPD
import GzipCodec

extension HTTPServer {
    /// First call, headers complete: the route is chosen now, so that even an early refusal
    /// answers in the route's error format. Only refusals that must close the connection are
    /// answered here (an oversize `Content-Length`, or a body over the memory budget);
    /// everything else waits for the final call so keep-alive holds.
    func headersArrived(_ context: RequestContext) -> MHD_Result {
        if let segments = context.target?.segments {
            context.resolution = router.resolve(method: context.method, segments: segments)
        }
        if !isDraining {
            context.countedInFlight = true
            inFlight.add(1, ordering: .relaxed)
        }
        guard let length = context.headers["Content-Length"].flatMap(Int.init), length > 0 else { return .YES }
        if length > configuration.maxBodyBytes {
            context.routePattern = "rejected"
            return queue(tooLarge(context), for: context)
        }
        if !bodyBudget.reserve(length) {
            context.routePattern = "rejected"
            return queue(overBudget(context), for: context)
        }
        context.reservedBytes = length
        return .YES
    }

    /// A fragment of the body: kept while it fits the size cap and the memory budget.
    func receiveBodyFragment(_ data: UnsafePointer<CChar>?, size: Int, for context: RequestContext) {
        guard !context.bodyTooLarge, !context.overBudget, let data else { return }
        if context.body.count + size > configuration.maxBodyBytes {
            context.bodyTooLarge = true
            context.body = []
            return
        }
        // Chunked bodies arrive without a Content-Length: reserve as they grow.
        let needed = context.body.count + size - context.reservedBytes
        if needed > 0 {
            guard bodyBudget.reserve(needed) else {
                context.overBudget = true
                context.body = []
                return
            }
            context.reservedBytes += needed
        }
        data.withMemoryRebound(to: UInt8.self, capacity: size) {
            context.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
        }
    }

    /// Final call: the body is complete, or a suspended handler has finished.
    func requestComplete(_ context: RequestContext) -> MHD_Result {
        if context.isRunningHandler {
            guard let response = context.pendingResponse.withLock({ $0.take() }) else { return .YES }
            return queue(response, for: context)
        }
        guard let target = context.target else {
            context.routePattern = "rejected"
            let limit = configuration.maxQueryParameters
            return queue(.text("too many query parameters (at most \(limit))", status: 414), for: context)
        }
        if context.bodyTooLarge {
            context.routePattern = "rejected"
            return queue(tooLarge(context), for: context)
        }
        if context.overBudget {
            context.routePattern = "rejected"
            return queue(overBudget(context), for: context)
        }
        switch context.resolution {
        case .notFound:
            context.routePattern = "not_found"
            return queue(.text("not found: \(target.rawPath)", status: 404), for: context)
        case .methodNotAllowed(let allowed):
            context.routePattern = "method_not_allowed"
            var response = HTTPResponse.text("method \(context.method) not allowed on \(target.rawPath)", status: 405)
            response.headers.set("Allow", allowed.joined(separator: ", "))
            return queue(response, for: context)
        case .matched(let route, let parameters):
            context.routePattern = route.pattern
            if case .suspending = route.handler, !context.countedInFlight {
                return queue(route.errorResponse(HTTPError.shuttingDown, context.headers), for: context)
            }
            let body: [UInt8]
            do {
                body = try decodedBody(context, route)
            } catch {
                return queue(route.errorResponse(error, context.headers), for: context)
            }
            let request = HTTPRequest(
                method: context.method, path: target.rawPath, query: target.query, headers: context.headers,
                body: body, pathParameters: parameters, pathSegments: target.segments)
            context.body = []
            switch route.handler {
            case .immediate(let handler):
                return queue(Self.run(handler, request, route), for: context)
            case .suspending(let handler):
                return suspend(context, running: handler, route: route, with: request)
            }
        }
    }

    /// The request is over (answered or abandoned): give back what it held.
    func finished(_ context: RequestContext) {
        bodyBudget.release(context.reservedBytes)
        context.reservedBytes = 0
        if context.countedInFlight {
            context.countedInFlight = false
            inFlight.subtract(1, ordering: .relaxed)
        }
    }

    private func suspend(
        _ context: RequestContext, running handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse,
        route: Route, with request: HTTPRequest
    ) -> MHD_Result {
        guard suspended.withLock({ $0.insert(context) }) else {
            return queue(route.errorResponse(HTTPError.shuttingDown, context.headers), for: context)
        }
        context.isRunningHandler = true
        MHD_suspend_connection(context.connection)
        Task(executorPreference: HandlerExecutor.shared) {
            let response: HTTPResponse
            do {
                response = try await handler(request)
            } catch {
                response = route.errorResponse(error, request.headers)
            }
            // If stop() already took the context it has answered 503 and resumed the connection.
            guard self.suspended.withLock({ $0.remove(context) }) else { return }
            context.pendingResponse.withLock { $0 = response }
            MHD_resume_connection(context.connection)
        }
        return .YES
    }

    private static func run(
        _ handler: @Sendable (HTTPRequest) throws -> HTTPResponse, _ request: HTTPRequest, _ route: Route
    ) -> HTTPResponse {
        do {
            return try handler(request)
        } catch {
            return route.errorResponse(error, request.headers)
        }
    }

    /// The body with `Content-Encoding` removed: gzip, deflate, zstd (`ContentCoding`) or a
    /// coding the route decodes, inflated under the size cap and the memory budget; identity as is.
    private func decodedBody(_ context: RequestContext, _ route: Route) throws(HTTPError) -> [UInt8] {
        guard let encoding = context.headers["Content-Encoding"]?.lowercased(), encoding != "identity" else {
            return context.body
        }
        let budgetLeft = bodyBudget.available
        let limit = min(configuration.maxInflatedBodyBytes, budgetLeft)
        let inflated: [UInt8]
        if let decoder = route.contentDecoders[encoding] {
            do throws(HTTPError) {
                inflated = try decoder(context.body, limit)
            } catch {
                if error.status == 413, limit < configuration.maxInflatedBodyBytes {
                    throw HTTPError.overBudget(retryAfterSeconds: 1)
                }
                throw error
            }
            guard bodyBudget.reserve(inflated.count) else { throw HTTPError.overBudget(retryAfterSeconds: 1) }
            context.reservedBytes += inflated.count
            return inflated
        }
        guard let coding = ContentCoding(httpName: encoding) else {
            let known = (["identity"] + ContentCoding.allCases.map(\.rawValue) + route.contentDecoders.keys).sorted()
            throw HTTPError(status: 415, message: "unsupported Content-Encoding \"\(encoding)\"; use \(known.joined(separator: ", "))")
        }
        do throws(ContentCoding.DecodeError) {
            inflated = try coding.decode(context.body, limit: limit)
        } catch {
            switch error {
            case .tooLarge:
                if limit < configuration.maxInflatedBodyBytes { throw HTTPError.overBudget(retryAfterSeconds: 1) }
                throw HTTPError(
                    status: 413, message: "\(coding.rawValue) body inflates to more than \(configuration.maxInflatedBodyBytes) bytes")
            case .corrupt(let reason):
                throw HTTPError(status: 400, message: "invalid \(coding.rawValue) body: \(reason)")
            }
        }
        guard bodyBudget.reserve(inflated.count) else { throw HTTPError.overBudget(retryAfterSeconds: 1) }
        context.reservedBytes += inflated.count
        return inflated
    }

    private func route(of context: RequestContext) -> Route? {
        if case .matched(let route, _) = context.resolution { return route }
        return nil
    }

    private func tooLarge(_ context: RequestContext) -> HTTPResponse {
        let error = HTTPError(status: 413, message: "request body larger than \(configuration.maxBodyBytes) bytes")
        return route(of: context)?.errorResponse(error, context.headers) ?? error.response
    }

    private func overBudget(_ context: RequestContext) -> HTTPResponse {
        let error = HTTPError.overBudget(retryAfterSeconds: 1)
        return route(of: context)?.errorResponse(error, context.headers) ?? error.response
    }

    /// Builds the libmicrohttpd response, compresses it if allowed, queues it, reports it.
    func queue(_ response: HTTPResponse, for context: RequestContext) -> MHD_Result {
        var response = response
        let compressible = context.method != "HEAD" && response.headers["Content-Encoding"] == nil
            && AcceptEncoding.allowsGzip(context.headers["Accept-Encoding"])
        if compressible, case .bytes(let bytes) = response.body, bytes.count >= configuration.minimumCompressedBytes,
            let compressed = Gzip.deflate(bytes)
        {
            response.body = .bytes(compressed)
            response.headers.set("Content-Encoding", "gzip")
        }
        if case .bytes = response.body, response.headers["Vary"] == nil { response.headers.add("Vary", "Accept-Encoding") }
        if isDraining { response.headers.set("Connection", "close") }
        // Only a file body that cannot be opened fails here.
        if case .stream(let stream) = response.body { track(stream) }
        guard let native = ResponseBuilder.make(response, connection: context.connection) else {
            return queue(.text("not found: \(context.rawPath)", status: 404), for: context)
        }
        defer { MHD_destroy_response(native) }
        if response.status == 404, case .matched(let route, _) = context.resolution, route.reportsMissesAsNotFound {
            context.routePattern = "not_found"
        }
        if response.status >= 500 { logFailure(response, context) }
        report(context, status: response.status)
        return MHD_queue_response(context.connection, UInt32(response.status), native)
    }

    private func logFailure(_ response: HTTPResponse, _ context: RequestContext) {
        let text = response.textBody.flatMap { $0.isEmpty ? nil : $0 }
        let reason = response.failureReason ?? text ?? "(no reason given)"
        let route = context.routePattern.isEmpty ? "unrouted" : context.routePattern
        failureLog.warning(
            "\(context.method) \(route) answered \(response.status): \(reason)", kind: "\(route) \(response.status)",
            metadata: ["status": "\(response.status)", "route": "\(route)"])
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
