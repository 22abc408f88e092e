import GzipCodec
import Synchronization

/// Serves static files (the dashboard) with validators, compression and safety headers.
///
/// Every answer carries a strong `ETag` (a 304 answers a matching `If-None-Match`), a
/// `Cache-Control` (`no-cache`, so browsers revalidate, except under `vendor/`, whose files
/// change only with their pinned version), the content type from the extension, and the
/// headers given at creation (a `Content-Security-Policy`, `X-Content-Type-Options`). Text is
/// sent gzip-compressed when the client accepts it; the compressed copy is kept per ETag.
public struct StaticFiles: Sendable {
    /// Where the files come from.
    public let source: AssetSource
    /// Added to every answer (security headers).
    public let headers: HTTPHeaders
    private let compressed = CompressedCache()

    /// Creates a file server over `source`.
    public init(source: AssetSource, headers: HTTPHeaders = StaticFiles.securityHeaders) {
        self.source = source
        self.headers = headers
    }

    /// A policy that allows only the server's own scripts, styles, images and connections: no
    /// inline script, no framing, no plugins.
    public static let securityHeaders = HTTPHeaders([
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
    ])

    /// The routes: `/` answers `index.html`; every other path the router does not know is
    /// looked up as a file (set as the router's fallback, so unknown paths with other methods
    /// still get 404).
    public func add(to router: inout Router) {
        let files = self
        router.add(Route("GET", "/", handler: .immediate { request in files.respond(request, segments: ["index.html"]) }))
        router.setFallback(Route("GET", "/*", handler: .immediate { request in
            files.respond(request, segments: request.pathSegments)
        }))
    }

    /// The answer for the file at `segments`.
    public func respond(_ request: HTTPRequest, segments: [String]) -> HTTPResponse {
        guard let bytes = source.load(segments) else {
            var response = HTTPResponse.text("not found: \(request.path)", status: 404)
            for field in headers { response.headers.set(field.name, field.value) }
            return response
        }
        let path = segments.joined(separator: "/")
        let type = ContentType.forPath(path)
        let tag = Self.hash(bytes)
        let gzip = ContentType.isCompressible(type) && bytes.count >= 512
            && AcceptEncoding.allowsGzip(request.headers["Accept-Encoding"])
        let etag = gzip ? "\"\(tag)-gz\"" : "\"\(tag)\""
        var response = HTTPResponse(status: 200, headers: headers, body: .bytes([]))
        response.headers.set("ETag", etag)
        response.headers.set(
            "Cache-Control", segments.first == "vendor" ? "public, max-age=86400" : "no-cache")
        response.headers.set("Vary", "Accept-Encoding")
        if let match = request.headers["If-None-Match"], Self.matches(match, etag) {
            response.status = 304
            return response
        }
        response.headers.set("Content-Type", type)
        if gzip {
            response.headers.set("Content-Encoding", "gzip")
            response.body = .bytes(compressed.gzip(bytes, tag: tag))
        } else {
            response.headers.set("Content-Encoding", "identity")
            response.body = .bytes(bytes)
        }
        return response
    }

    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            var value = candidate.trimmingSpaces
            if value == "*" { return true }
            if value.hasPrefix("W/") { value = value.dropFirst(2) }
            return value == etag
        }
    }

    /// FNV-1a over the bytes with their length: cheap, and strong enough to tell versions of
    /// one file apart.
    static func hash(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return String(hash, radix: 16) + "-" + String(bytes.count, radix: 16)
    }
}

/// Compressed copies of static files, by content hash.
final class CompressedCache: Sendable {
    private let entries = Mutex<[String: [UInt8]]>([:])

    func gzip(_ bytes: [UInt8], tag: String) -> [UInt8] {
        if let cached = entries.withLock({ $0[tag] }) { return cached }
        let result = Gzip.deflate(bytes) ?? bytes
        entries.withLock { entries in
            // Bounded: files edited in a dashboards folder during development leave old copies.
            if entries.count > 256 { entries.removeAll() }
            entries[tag] = result
        }
        return result
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var value = self
        while value.first == " " || value.first == "\t" { value = value.dropFirst() }
        while value.last == " " || value.last == "\t" { value = value.dropLast() }
        return value
    }
}
