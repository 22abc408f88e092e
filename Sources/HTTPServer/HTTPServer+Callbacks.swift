import CMicroHTTPD

#if canImport(Glibc)
import Glibc
#endif

// libmicrohttpd's C callbacks. They must not capture anything: the server arrives through
// `cls` and the request through `*con_cls`.

/// Called with headers only, then once per body fragment, then with an empty fragment.
let accessHandlerCallback: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let cls, let connection, let conCls, let uploadDataSize else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    guard let pointer = conCls.pointee else {
        let context = RequestContext(
            connection: connection, method: method.map { String(cString: $0) } ?? "GET",
            path: url.map { String(cString: $0) } ?? "/")
        context.collectHeadersAndQuery()
        conCls.pointee = Unmanaged.passRetained(context).toOpaque()
        return server.headersArrived(context)
    }
    let context = Unmanaged<RequestContext>.fromOpaque(pointer).takeUnretainedValue()
    let size = uploadDataSize.pointee
    if size > 0 {
        if context.body.count + size > server.configuration.maxBodyBytes {
            context.bodyTooLarge = true
            context.body = []
        } else if !context.bodyTooLarge, let uploadData {
            uploadData.withMemoryRebound(to: UInt8.self, capacity: size) {
                context.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
            }
        }
        uploadDataSize.pointee = 0
        return .YES
    }
    return server.requestComplete(context)
}

/// Runs for every way a request ends; releases the context retained in `*con_cls`.
let requestCompletedCallback: MHD_RequestCompletedCallback = { _, _, conCls, _ in
    guard let conCls, let pointer = conCls.pointee else { return }
    let context = Unmanaged<RequestContext>.fromOpaque(pointer)
    context.takeUnretainedValue().isFinished.store(true, ordering: .releasing)
    context.release()
    conCls.pointee = nil
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
