/// A `host:port` to listen on, as in Prometheus's `--web.listen-address`.
///
/// Accepted forms: `127.0.0.1:4318`, `:4318` (every IPv4 interface), `localhost:4318`,
/// `[::1]:4318`, `[::]:4318`. Port 0 asks the system for a free port.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host literal (IPv4 or IPv6, without brackets).
    public let host: String
    /// The port.
    public let port: UInt16
    /// Whether `host` is an IPv6 literal.
    public let isIPv6: Bool

    /// Parses `text`, or returns nil with no guess at what was meant.
    public init?(_ text: String) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
            isIPv6 = true
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            isIPv6 = false
        }
        guard let port = UInt16(portPart) else { return nil }
        var host = String(hostPart)
        if host.isEmpty { host = isIPv6 ? "::" : "0.0.0.0" }
        if host == "localhost" { host = "127.0.0.1" }
        guard ListenAddress.isLiteral(host, ipv6: isIPv6) else { return nil }
        self.host = host
        self.port = port
    }

    /// The same host with another port.
    public func with(port: UInt16) -> ListenAddress {
        ListenAddress(host: host, port: port, isIPv6: isIPv6)
    }

    /// Wraps an already-valid literal host (no parsing, no checks).
    public init(host: String, port: UInt16, isIPv6: Bool = false) {
        self.host = host
        self.port = port
        self.isIPv6 = isIPv6
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    private static func isLiteral(_ host: String, ipv6: Bool) -> Bool {
        if ipv6 { return host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } && host.contains(":") }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part) != nil && !part.hasPrefix("+") }
    }
}
