import CMicroHTTPD

#if canImport(Glibc)
import Glibc
#endif

/// Turns an `HTTPResponse` into a libmicrohttpd response object.
enum ResponseBuilder {
    /// nil when a file body cannot be opened (the caller answers 404).
    static func make(_ response: HTTPResponse, connection: OpaquePointer) -> OpaquePointer? {
        let native: OpaquePointer?
        switch response.body {
        case .bytes(let bytes):
            native = bytes.withUnsafeBytes { raw in
                telemetry_mhd_response_copy(raw.count, raw.baseAddress)
            }
        case .file(let path):
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            var status = stat()
            guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
                close(descriptor)
                return nil
            }
            // libmicrohttpd closes the descriptor when the response is destroyed.
            native = MHD_create_response_from_fd(Int(status.st_size), descriptor)
        case .stream(let stream):
            stream.attach(to: connection)
            // Retained for libmicrohttpd; released by the free callback.
            let retained = Unmanaged.passRetained(stream).toOpaque()
            native = MHD_create_response_from_callback(
                telemetry_mhd_size_unknown, 4096, streamReaderCallback, retained, streamFreeCallback)
            if native == nil { Unmanaged<ResponseStream>.fromOpaque(retained).release() }
        }
        guard let native else { return nil }
        for field in response.headers where !HTTPHeaders.sameName(field.name, "Content-Length") {
            _ = MHD_add_response_header(native, field.name, field.value)
        }
        return native
    }
}
