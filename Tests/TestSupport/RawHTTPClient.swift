import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A response read off the wire by `RawHTTPClient`.
public struct RawHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A minimal HTTP/1.1 client over one TCP socket, so tests can see exactly what goes over the
/// wire: keep-alive reuse, HEAD without a body, raw gzip bytes, early 413s.
public final class RawHTTPClient {
    public enum ClientError: Error, CustomStringConvertible {
        case connect(String)
        case closed
        case malformed(String)

        public var description: String {
            switch self {
            case .connect(let reason): return "connect: \(reason)"
            case .closed: return "connection closed by server"
            case .malformed(let reason): return "malformed response: \(reason)"
            }
        }
    }

    private let socket: Int32
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`, with a receive timeout so a hung server fails the test.
    /// `source` binds the client to another loopback address (`127.0.0.2`), so a test can
    /// act as a second client machine.
    public init(port: UInt16, source: String? = nil, timeoutSeconds: Int = 60) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ClientError.connect("socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { throw ClientError.connect("bind \(source): \(String(cString: strerror(errno)))") }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // No close here: every stored property is set, so a throwing init still runs deinit,
        // which closes the socket. Closing twice could close another thread's reused descriptor.
        guard result == 0 else { throw ClientError.connect(String(cString: strerror(errno))) }
    }

    deinit {
        if socket >= 0 { close(socket) }
    }

    /// Sends one request and reads its response; the connection stays open for the next one.
    public func send(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [],
        declaredLength: Int? = nil
    ) throws -> RawHTTPResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || declaredLength != nil || method == "POST" {
            head += "Content-Length: \(declaredLength ?? body.count)\r\n"
        }
        head += "\r\n"
        try write(Array(head.utf8))
        if !body.isEmpty { try? write(body) }
        return try readResponse(expectBody: method != "HEAD")
    }

    /// Sends bytes as they are (a partial request, a header line at a time).
    public func writeRaw(_ bytes: [UInt8]) throws {
        try write(bytes)
    }

    /// Reads one response to a request sent with `writeRaw`.
    public func readResponse() throws -> RawHTTPResponse {
        try readResponse(expectBody: true)
    }

    /// True if the server has closed its side (a read returns end of stream).
    public func isClosedByServer() -> Bool {
        var flags = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&flags, 1, 200) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, Int32(MSG_PEEK)) == 0
    }

    /// Reads and discards whatever the server sends until it closes its side: true when it
    /// does within `seconds`.
    public func drainUntilClosed(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var flags = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&flags, 1, 200) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return true }
        }
        return false
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw ClientError.closed }
            offset += sent
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(socket, &chunk, chunk.count, 0)
        guard count > 0 else { throw ClientError.closed }
        buffer.append(contentsOf: chunk[0..<count])
    }

    private func readLine() throws -> String {
        while true {
            if let index = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<index], as: UTF8.self)
                buffer.removeFirst(index + 1)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            try fill()
        }
    }

    private func readBytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        defer { buffer.removeFirst(count) }
        return Array(buffer[0..<count])
    }

    private func readResponse(expectBody: Bool) throws -> RawHTTPResponse {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ClientError.malformed(statusLine) }
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw ClientError.malformed(line) }
            headers.append((
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            ))
        }
        var response = RawHTTPResponse(status: status, headers: headers, body: [])
        guard expectBody else { return response }
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
                    throw ClientError.malformed(sizeLine)
                }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                response.body += try readBytes(size)
                _ = try readLine()
            }
        } else if let length = response.header("Content-Length").flatMap(Int.init) {
            response.body = try readBytes(length)
        }
        return response
    }
}
