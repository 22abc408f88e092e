import CSnappy

/// Snappy block compression (the raw format, no framing), as Prometheus remote write uses it,
/// over Debian's libsnappy.
public enum Snappy {
    /// Why a block could not be decompressed.
    public enum DecodeError: Error, Equatable, Sendable {
        /// The block says it decompresses to more than the limit.
        case tooLarge(length: Int, limit: Int)
        /// The block is not valid snappy data.
        case corrupt
    }

    /// Decompresses `block`, refusing before allocating when its stated length passes `limit`.
    public static func decompress(_ block: [UInt8], limit: Int) throws(DecodeError) -> [UInt8] {
        var length = 0
        let lengthStatus = block.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { snappy_uncompressed_length($0.baseAddress, $0.count, &length) }
        }
        guard lengthStatus == SNAPPY_OK else { throw .corrupt }
        guard length <= limit else { throw .tooLarge(length: length, limit: limit) }
        guard length > 0 else {
            // An empty block is one zero byte; anything else claiming length 0 is damaged.
            guard block == [0] else { throw .corrupt }
            return []
        }
        var output = [UInt8](repeating: 0, count: length)
        var written = length
        let status = block.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                input.withMemoryRebound(to: CChar.self) { source in
                    out.withMemoryRebound(to: CChar.self) { target in
                        snappy_uncompress(source.baseAddress, source.count, target.baseAddress, &written)
                    }
                }
            }
        }
        guard status == SNAPPY_OK, written == length else { throw .corrupt }
        return output
    }

    /// Compresses `data` into one snappy block.
    public static func compress(_ data: [UInt8]) -> [UInt8] {
        var length = snappy_max_compressed_length(data.count)
        var output = [UInt8](repeating: 0, count: length)
        let status = data.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                input.withMemoryRebound(to: CChar.self) { source in
                    out.withMemoryRebound(to: CChar.self) { target in
                        snappy_compress(source.baseAddress, source.count, target.baseAddress, &length)
                    }
                }
            }
        }
        // snappy_compress fails only when the output buffer is too small, and it is sized by
        // snappy_max_compressed_length.
        guard status == SNAPPY_OK else { return [] }
        output.removeLast(output.count - length)
        return output
    }
}
