import GzipCodec
import ZstdCodec

/// A compressed body's coding among those decoded for every route: gzip, deflate (zlib's
/// wrapper, RFC 9110) and zstd (RFC 8878), the codings OpenTelemetry's SDKs and the Collector
/// send. The OTLP/gRPC listener reads its messages' `grpc-encoding` with it too.
public enum ContentCoding: String, Sendable, CaseIterable {
    case gzip
    case deflate
    case zstd

    /// Why a body could not be decoded.
    public enum DecodeError: Error, Equatable, Sendable {
        /// The decoded data would pass the limit (a likely bomb); decoding stopped there.
        case tooLarge(limit: Int)
        /// The data is not whole, valid data of the coding.
        case corrupt(String)
    }

    /// The coding an HTTP `Content-Encoding` (lowercased) names, with the aliases `x-gzip` and
    /// `zlib` (the OpenTelemetry Collector's `compression: zlib` sends deflate's bytes so named).
    public init?(httpName: String) {
        switch httpName {
        case "gzip", "x-gzip": self = .gzip
        case "deflate", "zlib": self = .deflate
        case "zstd": self = .zstd
        default: return nil
        }
    }

    /// `bytes` decoded, stopping as soon as the output would pass `limit` bytes.
    public func decode(_ bytes: [UInt8], limit: Int) throws(DecodeError) -> [UInt8] {
        switch self {
        case .gzip, .deflate:
            do throws(Gzip.InflateError) {
                return try Gzip.inflate(bytes, limit: limit, format: self == .gzip ? .gzip : .zlib)
            } catch {
                switch error {
                case .tooLarge(let limit): throw .tooLarge(limit: limit)
                case .corrupt(let reason): throw .corrupt(reason)
                }
            }
        case .zstd:
            do throws(Zstd.DecodeError) {
                return try Zstd.decompress(bytes, limit: limit)
            } catch {
                switch error {
                case .tooLarge(let limit): throw .tooLarge(limit: limit)
                case .corrupt(let reason): throw .corrupt(reason)
                }
            }
        }
    }
}
