import CMicroHTTPD

#if canImport(Glibc)
import Glibc
#endif

// libmicrohttpd's C callbacks. They must not capture anything: the server arrives through
// `cls` and the request through `*con_cls`.

/// Called once the request line is in, before libmicrohttpd decodes anything: creates the
/// request's context from the raw target (libmicrohttpd passes the returned pointer on as
/// `*con_cls`) and starts the header deadline.
let uriLogCallback: @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?
) -> UnsafeMutableRawPointer? = { cls, uri, connection in
    guard let cls, let connection else { return nil }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    server.tracker.requestStarted(connection)
    let context = RequestContext(
        connection: connection, rawTarget: uri.map { String(cString: $0) } ?? "/",
        maxQueryParameters: server.configuration.maxQueryParameters)
    // The query is parsed from the raw target above. Emptying it here keeps libmicrohttpd
    // from parsing it too: it stores every argument in the connection's small memory pool
    // and, when they do not fit (about 1,000), stalls the connection until the timeout
    // instead of answering. The URI sits in the connection's own writable read buffer;
    // libmicrohttpd 0.9.75 has already found the `?` (which it overwrites with a NUL) and
    // parses the arguments from the byte after it once this callback returns.
    if let uri, let question = strchr(uri, Int32(UInt8(ascii: "?"))), question[1] != 0 {
        UnsafeMutablePointer(mutating: question + 1).pointee = 0
    }
    return Unmanaged.passRetained(context).toOpaque()
}

/// Called with headers only, then once per body fragment, then with an empty fragment.
let accessHandlerCallback: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let cls, let connection, let conCls, let uploadDataSize else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    if conCls.pointee == nil {
        // Not seen without the URI log callback; kept so a request never goes unanswered.
        let context = RequestContext(
            connection: connection, rawTarget: url.map { String(cString: $0) } ?? "/",
            maxQueryParameters: server.configuration.maxQueryParameters)
        conCls.pointee = Unmanaged.passRetained(context).toOpaque()
    }
    guard let pointer = conCls.pointee else { return .NO }
    let context = Unmanaged<RequestContext>.fromOpaque(pointer).takeUnretainedValue()
    if !context.headersComplete {
        context.headersComplete = true
        context.method = method.map { String(cString: $0) } ?? "GET"
        server.tracker.headersComplete(connection)
        context.collectHeaders()
        return server.headersArrived(context)
    }
    let size = uploadDataSize.pointee
    if size > 0 {
        server.receiveBodyFragment(uploadData, size: size, for: context)
        uploadDataSize.pointee = 0
        return .YES
    }
    return server.requestComplete(context)
}

/// Runs for every way a request ends; releases the context retained in `*con_cls`.
let requestCompletedCallback: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let conCls, let pointer = conCls.pointee else { return }
    let context = Unmanaged<RequestContext>.fromOpaque(pointer)
    if let cls {
        Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().finished(context.takeUnretainedValue())
    }
    context.takeUnretainedValue().isFinished.store(true, ordering: .releasing)
    context.release()
    conCls.pointee = nil
}

/// Tracks connections as they open and close, for the header deadline.
let connectionNotifyCallback: MHD_NotifyConnectionCallback = { cls, connection, _, code in
    guard let cls, let connection else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    // MHD_CONNECTION_NOTIFY_STARTED (0) and _CLOSED (1); the constants are not imported.
    switch code.rawValue {
    case 0:
        server.tracker.opened(connection, socket: telemetry_mhd_connection_fd(connection))
    case 1:
        server.tracker.closed(connection)
    default:
        break
    }
}

/// Routes libmicrohttpd's own messages (mostly client disconnects) to the logger at debug level.
let libraryLogCallback: MHD_LogCallback = {
    cls, format, arguments in
    guard let cls, let format, let arguments else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    var buffer = [CChar](repeating: 0, count: 512)
    _ = vsnprintf(&buffer, buffer.count, format, arguments)
    let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    server.logger.debug("libmicrohttpd: \(message.trimmingCharacters(in: "\n"))")
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var result = Substring(self)
        while result.last == character { result.removeLast() }
        return String(result)
    }
}
