import CZlib

/// gzip for request bodies (inflate, with a cap on the inflated size) and responses (deflate);
/// also inflates zlib-wrapped deflate, gRPC's `deflate` message encoding.
public enum Gzip {
    /// The wrapper around the compressed data.
    public enum Format: Sendable {
        /// gzip (RFC 1952); concatenated members are read one after another.
        case gzip
        /// zlib (RFC 1950): gRPC's and HTTP's `deflate`.
        case zlib

        /// The coding's name as HTTP and gRPC give it, for messages.
        public var name: String { self == .gzip ? "gzip" : "deflate" }
    }

    /// Why a gzip body could not be inflated.
    public enum InflateError: Error, Equatable, Sendable {
        /// The inflated data would exceed the limit (a likely gzip bomb).
        case tooLarge(limit: Int)
        /// The data is not valid gzip, or is truncated.
        case corrupt(String)
    }

    /// Inflates `data`, stopping as soon as the output would pass `limit` bytes.
    public static func inflate(_ data: [UInt8], limit: Int, format: Format = .gzip) throws(InflateError) -> [UInt8] {
        var stream = z_stream()
        let started = format == .gzip ? telemetry_inflate_init_gzip(&stream) : telemetry_inflate_init_zlib(&stream)
        guard started == Z_OK else { throw .corrupt("zlib could not start") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        var exceeded = false
        // zlib's next_in is not const but zlib never writes through it: borrow, don't copy.
        data.withUnsafeBufferPointer { inputBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.avail_in = UInt32(inputBuffer.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = UInt32(chunkBuffer.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let produced = chunkBuffer.count - Int(stream.avail_out)
                    exceeded = output.count + produced > limit
                    if !exceeded { output.append(contentsOf: chunkBuffer[0..<produced]) }
                }
                // A second gzip member (concatenated streams) continues after Z_STREAM_END.
                if status == Z_STREAM_END, stream.avail_in > 0, format == .gzip {
                    status = inflateReset(&stream)
                }
            } while status == Z_OK && !exceeded
        }
        if exceeded { throw .tooLarge(limit: limit) }
        switch status {
        case Z_STREAM_END where stream.avail_in > 0: throw .corrupt("\(stream.avail_in) bytes after the end of the deflate data")
        case Z_STREAM_END: return output
        case Z_BUF_ERROR: throw .corrupt("truncated \(format.name) data")
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw .corrupt(message)
        }
    }

    /// Compresses `data` into one gzip member; `level` 1 (fastest) to 9 (smallest).
    public static func deflate(_ data: [UInt8], level: Int32 = 1) -> [UInt8]? {
        var stream = z_stream()
        guard telemetry_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(data.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let status = data.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = UInt32(outputBuffer.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}
