import CMicroHTTPD

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A response body written after the response has started: the handler returns
/// `HTTPResponse(body: .stream(stream))` and keeps `stream` to write to it from any thread.
///
/// libmicrohttpd pulls the body through a content-reader callback. When nothing is buffered
/// the reader suspends the connection, so an idle stream holds no worker thread; `write`
/// resumes it. Buffered bytes are capped: a client that does not read fast enough is
/// disconnected (its buffer dropped) instead of growing the server's memory or slowing the
/// writers of other streams.
public final class ResponseStream: Sendable {
    /// What happened to a write.
    public enum WriteResult: Sendable, Equatable {
        /// Buffered for sending.
        case accepted
        /// The buffer would have passed `maxBufferedBytes`: the stream is now closed.
        case overflowed
        /// The stream was already closed (finished, overflowed or the client went away).
        case closed
    }

    fileprivate struct State {
        var buffer: [UInt8] = []
        var readOffset = 0
        var connection: StreamConnection?
        var suspended = false
        var finished = false
        /// Closed by an overflow: the connection ends with an error instead of cleanly.
        var failed = false
        /// libmicrohttpd released the response: the connection must not be touched again.
        var released = false
        var onClose: [@Sendable () -> Void] = []
    }

    /// The most bytes held for a client that has not read them yet.
    public let maxBufferedBytes: Int
    private let state = Mutex(State())

    /// Creates a stream holding at most `maxBufferedBytes` unsent bytes.
    public init(maxBufferedBytes: Int = 1 << 20) {
        self.maxBufferedBytes = maxBufferedBytes
    }

    /// Whether writes are still accepted.
    public var isOpen: Bool {
        state.withLock { !$0.finished && !$0.released }
    }

    /// Bytes written and not yet taken by the connection.
    public var bufferedBytes: Int {
        state.withLock { $0.buffer.count - $0.readOffset }
    }

    /// Runs `handler` once when the stream closes for any reason (finished, overflowed, the
    /// client disconnected or the server stopped). Runs at once if it is already closed.
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let closedAlready = state.withLock { state -> Bool in
            if state.finished || state.released { return true }
            state.onClose.append(handler)
            return false
        }
        if closedAlready { handler() }
    }

    /// Appends `bytes` to what will be sent.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> WriteResult {
        let (result, resume, closed) = state.withLock { state -> (WriteResult, StreamConnection?, [@Sendable () -> Void]) in
            guard !state.finished, !state.released else { return (.closed, nil, []) }
            if state.buffer.count - state.readOffset + bytes.count > maxBufferedBytes {
                state.finished = true
                state.failed = true
                state.buffer = []
                state.readOffset = 0
                // The client is not reading, so libmicrohttpd cannot flush what it holds and
                // would keep the connection until its timeout: shut the socket down now.
                // (Under the lock the connection cannot be released meanwhile.)
                if let connection = state.connection {
                    let socket = telemetry_mhd_connection_fd(connection.pointer)
                    if socket >= 0 { _ = shutdown(socket, Int32(SHUT_RDWR)) }
                }
                return (.overflowed, state.takeSuspended(), state.takeOnClose())
            }
            if state.readOffset > 0, state.readOffset >= state.buffer.count / 2 {
                state.buffer.removeFirst(state.readOffset)
                state.readOffset = 0
            }
            state.buffer.append(contentsOf: bytes)
            return (.accepted, state.takeSuspended(), [])
        }
        // A suspended connection cannot be released by libmicrohttpd, so resuming it after
        // the lock is given up is safe; resuming under the lock could deadlock with the
        // release callback.
        if let resume { MHD_resume_connection(resume.pointer) }
        for handler in closed { handler() }
        return result
    }

    /// Ends the stream once the buffered bytes are sent.
    public func finish() {
        let (resume, closed) = state.withLock { state -> (StreamConnection?, [@Sendable () -> Void]) in
            guard !state.finished, !state.released else { return (nil, []) }
            state.finished = true
            return (state.takeSuspended(), state.takeOnClose())
        }
        if let resume { MHD_resume_connection(resume.pointer) }
        for handler in closed { handler() }
    }

    // MARK: - libmicrohttpd's side

    /// Binds the stream to the connection it answers, before the response is queued.
    func attach(to connection: OpaquePointer) {
        state.withLock { $0.connection = StreamConnection(pointer: connection) }
    }

    /// The content reader: copies up to `capacity` bytes into `destination`; 0 after
    /// suspending the connection when nothing is buffered; an end marker when finished.
    func read(into destination: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        state.withLock { state in
            let available = state.buffer.count - state.readOffset
            if available == 0 {
                if state.finished {
                    return state.failed ? telemetry_mhd_reader_end_with_error : telemetry_mhd_reader_end_of_stream
                }
                guard let connection = state.connection else { return telemetry_mhd_reader_end_with_error }
                state.suspended = true
                MHD_suspend_connection(connection.pointer)
                return 0
            }
            let count = min(available, capacity)
            state.buffer.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(destination).copyMemory(
                    from: source.baseAddress! + state.readOffset, byteCount: count)
            }
            state.readOffset += count
            if state.readOffset == state.buffer.count {
                state.buffer.removeAll(keepingCapacity: state.buffer.capacity <= 64 * 1024)
                state.readOffset = 0
            }
            return count
        }
    }

    /// libmicrohttpd destroyed the response (sent, or the connection closed).
    func released() {
        let closed = state.withLock { state -> [@Sendable () -> Void] in
            state.released = true
            state.connection = nil
            state.suspended = false
            state.buffer = []
            state.readOffset = 0
            return state.takeOnClose()
        }
        for handler in closed { handler() }
    }
}

extension ResponseStream.State {
    /// The connection to resume, if the reader suspended it.
    fileprivate mutating func takeSuspended() -> StreamConnection? {
        guard suspended, !released else { return nil }
        suspended = false
        return connection
    }

    fileprivate mutating func takeOnClose() -> [@Sendable () -> Void] {
        defer { onClose = [] }
        return onClose
    }
}

/// The connection a stream answers. libmicrohttpd allows resuming it from any thread; the
/// stream's lock decides who may.
struct StreamConnection: @unchecked Sendable {
    let pointer: OpaquePointer
}
