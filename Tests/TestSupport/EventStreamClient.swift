import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A server-sent-events client over a raw socket: sends the request, reads the status and
/// headers, then decodes the chunked body into events as they arrive.
/// Used by one thread at a time (tests hand it between `blocking` calls).
public final class EventStreamClient: @unchecked Sendable {
    /// One event (or comment block) as received.
    public struct Event: Sendable, Equatable {
        public var id: String?
        public var event: String?
        public var data: String
        public var retry: Int?
        public var comments: [String]
    }

    public enum ClientError: Error, CustomStringConvertible {
        case connect(String)
        case closed
        case timeout
        case malformed(String)

        public var description: String {
            switch self {
            case .connect(let reason): return "connect: \(reason)"
            case .closed: return "connection closed by server"
            case .timeout: return "no event in time"
            case .malformed(let reason): return "malformed: \(reason)"
            }
        }
    }

    private let socket: Int32
    private var raw: [UInt8] = []
    /// Decoded body bytes not yet parsed into events.
    private var text: [UInt8] = []
    private var chunked = false
    /// The response status and headers.
    public private(set) var status = 0
    public private(set) var headers: [(name: String, value: String)] = []
    /// Body bytes read so far (for non-stream answers such as a 503).
    public var bodyText: String { String(decoding: text, as: UTF8.self) }

    /// Connects and sends `GET path`. `receiveBuffer` shrinks the socket's receive buffer, so a
    /// client that stops reading stalls the server quickly.
    public init(port: UInt16, path: String, headers: [(String, String)] = [], receiveBuffer: Int32? = nil) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ClientError.connect("socket failed") }
        if var size = receiveBuffer {
            setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
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
        guard result == 0 else { throw ClientError.connect(String(cString: strerror(errno))) }
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8)
        let sent = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw ClientError.connect("send failed") }
    }

    deinit {
        close(socket)
    }

    /// Reads the status line and headers.
    public func readHead(timeout: Double = 10) throws {
        while true {
            if let end = Self.find([13, 10, 13, 10], in: raw) {
                let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                raw.removeFirst(end + 4)
                let parts = lines[0].split(separator: " ")
                guard parts.count >= 2, let code = Int(parts[1]) else { throw ClientError.malformed(lines[0]) }
                status = code
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers.append((
                        String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    ))
                }
                chunked = header("Transfer-Encoding")?.lowercased() == "chunked"
                if let length = header("Content-Length").flatMap(Int.init) {
                    while raw.count < length { try fill(timeout: timeout) }
                    text = Array(raw.prefix(length))
                }
                return
            }
            try fill(timeout: timeout)
        }
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The next event or comment block (a block ends with a blank line).
    public func next(timeout: Double = 10) throws -> Event {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            decodeChunks()
            if let end = Self.find([10, 10], in: text) {
                let block = String(decoding: text[..<end], as: UTF8.self)
                text.removeFirst(end + 2)
                return Self.parse(block)
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw ClientError.timeout }
            try fill(timeout: left)
        }
    }

    /// The next event that is not only comments.
    public func nextEvent(timeout: Double = 10) throws -> Event {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let event = try next(timeout: max(0.01, deadline.timeIntervalSinceNow))
            if event.id != nil || event.event != nil || !event.data.isEmpty { return event }
        }
    }

    /// True once the server has closed the connection (reads to the end within `timeout`).
    public func closedByServer(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            do {
                try fill(timeout: deadline.timeIntervalSinceNow)
                raw.removeAll()
            } catch ClientError.closed {
                return true
            } catch {
                return false
            }
        }
        return false
    }

    private func decodeChunks() {
        guard chunked else {
            text += raw
            raw.removeAll()
            return
        }
        while let lineEnd = Self.find([13, 10], in: raw) {
            let sizeText = String(decoding: raw[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { return }
            guard raw.count >= lineEnd + 2 + size + 2 else { return }
            text += raw[(lineEnd + 2)..<(lineEnd + 2 + size)]
            raw.removeFirst(lineEnd + 2 + size + 2)
        }
    }

    private func fill(timeout: Double) throws {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(max(1, timeout * 1000))) > 0 else { throw ClientError.timeout }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(socket, &chunk, chunk.count, 0)
        guard count > 0 else { throw ClientError.closed }
        raw.append(contentsOf: chunk[0..<count])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }

    private static func parse(_ block: String) -> Event {
        var event = Event(id: nil, event: nil, data: "", retry: nil, comments: [])
        var data: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") {
                event.comments.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces))
                continue
            }
            let field = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(field[0])
            var value = field.count > 1 ? String(field[1]) : ""
            if value.hasPrefix(" ") { value.removeFirst() }
            switch name {
            case "id": event.id = value
            case "event": event.event = value
            case "data": data.append(value)
            case "retry": event.retry = Int(value)
            default: break
            }
        }
        event.data = data.joined(separator: "\n")
        return event
    }
}
