#if canImport(Glibc)
import Glibc
#endif

/// A loopback port that was free a moment ago, for peers (like Prometheus) that cannot be told
/// to pick their own, and for tests that bind a port only later (a receiver that comes up after
/// an outage).
///
/// It is taken below Linux's ephemeral range (32768–60999 by default), where the kernel never
/// puts a socket bound to port 0 or the local end of an outgoing connection. A port from that
/// range could be handed to another test's socket before it was bound again, or to a client's
/// own connection attempt to it (a TCP self-connect): both happened, as "Address already in
/// use" on the later bind.
public func freeLoopbackPort() -> UInt16 {
    for _ in 0..<200 {
        let port = UInt16.random(in: 20_000..<32_768)
        if boundPort(port) == port { return port }
    }
    return boundPort(0)
}

/// Binds a socket to `port` on 127.0.0.1 (0: one the kernel picks), closes it, and returns the
/// port it had (0 when binding failed).
private func boundPort(_ port: UInt16) -> UInt16 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    return bound ? UInt16(bigEndian: address.sin_port) : 0
}
