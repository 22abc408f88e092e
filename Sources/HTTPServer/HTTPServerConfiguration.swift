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
    /// Most connections from one IP address; 0 means no limit.
    public var perIPConnectionLimit: Int = 0
    /// Memory per connection for headers and buffers (not bodies).
    public var connectionMemoryLimit: Int = 64 * 1024
    /// Responses smaller than this are never compressed.
    public var minimumCompressedBytes: Int = 1024

    /// Creates settings for `address` with the defaults above.
    public init(address: ListenAddress) {
        self.address = address
    }
}
