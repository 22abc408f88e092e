import CZstd

/// Zstandard (RFC 8878) over Debian's libzstd: the `zstd` content coding the OpenTelemetry
/// Collector's exporters send with `compression: zstd`, over OTLP/HTTP and OTLP/gRPC.
public enum Zstd {
    /// Why data could not be decompressed.
    public enum DecodeError: Error, Equatable, Sendable {
        /// The data decompresses to more than the limit; decompressing stopped there.
        case tooLarge(limit: Int)
        /// The data is not whole, valid Zstandard frames (libzstd's reason).
        case corrupt(String)
    }

    /// The largest window a frame may ask the decoder to keep (2^24 bytes, 16 MiB): above what
    /// the `zstd` tool's levels 1–19 and the Collector's encoder use (8 MiB at most), and a bound
    /// on what a frame header alone can make the server allocate (libzstd's default is 128 MiB).
    public static let maxWindowLog: Int32 = 24

    /// Decompresses `data` (one frame or several in a row), stopping as soon as the output passes
    /// `limit`, so a small bomb never becomes a large allocation.
    public static func decompress(_ data: [UInt8], limit: Int) throws(DecodeError) -> [UInt8] {
        guard let stream = ZSTD_createDCtx() else { throw .corrupt("out of memory") }
        defer { ZSTD_freeDCtx(stream) }
        let setting = ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, maxWindowLog)
        guard ZSTD_isError(setting) == 0 else { throw .corrupt(errorName(setting)) }
        // A frame that states its size (the zstd tool's and the Collector's do) gets its room
        // at once, when that is within the limit; otherwise the output grows as it comes.
        let stated = data.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        let known = stated < telemetry_zstd_content_size_error && stated <= UInt64(limit) ? Int(stated) : nil
        var output: [UInt8] = []
        output.reserveCapacity(known ?? min(limit, max(4096, data.count * 4)))
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        // What the last call returned: 0 once a frame is complete and flushed, else a hint of
        // the bytes it still expects.
        var pending = 1
        var failure: DecodeError?
        data.withUnsafeBytes { source in
            var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            chunk.withUnsafeMutableBytes { target in
                while true {
                    var out = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                    let result = ZSTD_decompressStream(stream, &out, &input)
                    if ZSTD_isError(result) != 0 {
                        failure = .corrupt(errorName(result))
                        return
                    }
                    pending = result
                    if output.count + out.pos > limit {
                        failure = .tooLarge(limit: limit)
                        return
                    }
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: target[0..<out.pos]))
                    // Done when the input is used up and the decoder had nothing more to give
                    // (it did not fill the chunk).
                    if input.pos == input.size && out.pos < out.size { return }
                }
            }
        }
        if let failure { throw failure }
        guard !data.isEmpty else { throw .corrupt("no frame") }
        guard pending == 0 else { throw .corrupt("data ends inside a frame") }
        return output
    }

    /// Compresses `data` into one frame at `level` (libzstd's default is 3).
    public static func compress(_ data: [UInt8], level: Int32 = 3) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count))
        let written = data.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                ZSTD_compress(target.baseAddress, target.count, source.baseAddress, source.count, level)
            }
        }
        // ZSTD_compress fails only when the output is too small, and it is sized by its bound.
        guard ZSTD_isError(written) == 0 else { return [] }
        output.removeLast(output.count - written)
        return output
    }

    private static func errorName(_ code: Int) -> String {
        String(cString: ZSTD_getErrorName(code))
    }
}
