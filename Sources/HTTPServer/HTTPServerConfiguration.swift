#if canImport(Glibc)
import Glibc
#endif

/// Settings of an `HTTPServer`.
public struct HTTPServerConfiguration: Sendable {
    /// Where to listen.
    public var address: ListenAddress
    /// Worker threads of libmicrohttpd's epoll pool; 0 means one per core.
    public var threads: Int = 0
    /// Largest accepted request body as sent on the wire; larger gets 413.
    public var maxBodyBytes: Int = 20 * 1024 * 1024
    /// Largest body after inflating gzip; larger gets 413.
    public var maxInflatedBodyBytes: Int = 100 * 1024 * 1024
    /// Most connections at once (libmicrohttpd refuses more).
    public var connectionLimit: Int = 4096
    /// Idle seconds before a connection is closed; also ends slow partial requests.
    public var connectionTimeoutSeconds: Int = 60
    /// Most connections from one IP address; 0 means no limit. The default leaves most of
    /// `connectionLimit` to other addresses when one client opens connections without end.
    public var perIPConnectionLimit: Int = 512
    /// Seconds a client has to send a request's headers, from connecting (or from the request
    /// line of a later keep-alive request); a connection over it is closed (slowloris).
    public var requestHeaderTimeoutSeconds: Double = 10
    /// Bytes all request bodies in flight may hold together, counted after inflating gzip;
    /// past it requests get 503 with `Retry-After`. Defaults to an eighth of physical memory.
    public var maxInFlightBodyBytes: Int = HTTPServerConfiguration.defaultInFlightBodyBytes
    /// Most query parameters in one request; more get 414.
    public var maxQueryParameters: Int = 10_000
    /// Memory per connection for headers and buffers (not bodies).
    public var connectionMemoryLimit: Int = 64 * 1024
    /// Responses smaller than this are never compressed.
    public var minimumCompressedBytes: Int = 1024

    /// An eighth of physical memory, at least 64 MiB.
    public static var defaultInFlightBodyBytes: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 1 << 30 }
        return max(64 << 20, pages * pageSize / 8)
    }

    /// Creates settings for `address` with the defaults above.
    public init(address: ListenAddress) {
        self.address = address
    }
}
