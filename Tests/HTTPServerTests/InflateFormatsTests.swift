import CZlib
import GzipCodec
import Testing

/// `Gzip.inflate` on zlib-wrapped deflate (gRPC's `deflate` message encoding), made here by
/// zlib's own `compress2`, beside gzip.
/// `data` compressed by zlib's `compress2`: the zlib wrapper (RFC 1950), HTTP's and gRPC's
/// `deflate`.
func zlibCompressed(_ data: [UInt8]) -> [UInt8] {
    var size = compressBound(UInt(data.count))
    var output = [UInt8](repeating: 0, count: Int(size))
    let status = compress2(&output, &size, data, UInt(data.count), 6)
    #expect(status == Z_OK)
    return Array(output.prefix(Int(size)))
}

@Suite("Inflating gzip and zlib data")
struct InflateFormatsTests {

    private let text = Array(String(repeating: "resourceSpans scopeSpans spans ", count: 200).utf8)

    @Test func zlibDataInflatesToWhatWasCompressed() throws {
        let compressed = zlibCompressed(text)
        #expect(compressed.count < text.count / 10)
        #expect(try Gzip.inflate(compressed, limit: 1 << 20, format: .zlib) == text)
        // The default stays gzip: the same bytes are not gzip.
        #expect(throws: Gzip.InflateError.self) { try Gzip.inflate(compressed, limit: 1 << 20) }
    }

    @Test func zlibDataPastTheLimitStopsThere() throws {
        let bomb = zlibCompressed([UInt8](repeating: 0, count: 16 << 20))
        #expect(bomb.count < 32 << 10)
        #expect(throws: Gzip.InflateError.tooLarge(limit: 65_536)) {
            try Gzip.inflate(bomb, limit: 65_536, format: .zlib)
        }
    }

    @Test func brokenZlibDataIsCorruptWithAReason() throws {
        let compressed = zlibCompressed(text)
        #expect(throws: Gzip.InflateError.corrupt("truncated deflate data")) {
            try Gzip.inflate(Array(compressed.dropLast(8)), limit: 1 << 20, format: .zlib)
        }
        // zlib has no members to concatenate: bytes after its end are an error, not more data.
        #expect(throws: Gzip.InflateError.corrupt("3 bytes after the end of the deflate data")) {
            try Gzip.inflate(compressed + [1, 2, 3], limit: 1 << 20, format: .zlib)
        }
        // gzip data given as zlib: the header does not match.
        let gzip = try #require(Gzip.deflate(text))
        #expect(throws: Gzip.InflateError.self) { try Gzip.inflate(gzip, limit: 1 << 20, format: .zlib) }
        #expect(try Gzip.inflate(gzip + gzip, limit: 1 << 20) == text + text)
    }
}
