import GRPCCore
import GzipCodec
import ZstdCodec

/// A compressed gRPC message's coding (`grpc-encoding`) among those `OTLPExportStreamHandler`
/// reads itself: gzip, deflate (zlib's wrapper, as gRPC defines it) and zstd (what the
/// OpenTelemetry Collector's gRPC exporters send with `compression: zstd`).
enum GRPCMessageEncoding: String, Sendable {
    case gzip
    case deflate
    case zstd

    /// The codings a response's `grpc-accept-encoding` lists.
    static let accepted = "identity,deflate,gzip,zstd"

    /// The message inflated, no further than `limit` bytes: `RESOURCE_EXHAUSTED` past it,
    /// `INTERNAL` for bytes that are not this coding.
    func inflate(_ bytes: [UInt8], limit: Int) -> Result<[UInt8], RPCError> {
        let tooLarge = RPCError(code: .resourceExhausted, message: "message inflates past the \(limit)-byte limit")
        let corrupt = { (reason: String) in RPCError(code: .internalError, message: "\(rawValue) message cannot be inflated: \(reason)") }
        switch self {
        case .gzip, .deflate:
            do throws(Gzip.InflateError) {
                return .success(try Gzip.inflate(bytes, limit: limit, format: self == .gzip ? .gzip : .zlib))
            } catch {
                switch error {
                case .tooLarge: return .failure(tooLarge)
                case .corrupt(let reason): return .failure(corrupt(reason))
                }
            }
        case .zstd:
            do throws(Zstd.DecodeError) {
                return .success(try Zstd.decompress(bytes, limit: limit))
            } catch {
                switch error {
                case .tooLarge: return .failure(tooLarge)
                case .corrupt(let reason): return .failure(corrupt(reason))
                }
            }
        }
    }
}
