/// An encoded export as a transport received it, read in place: an OTLP/HTTP body (`[UInt8]`)
/// or an OTLP/gRPC message still in the transport's buffer (NIO's `GRPCNIOTransportBytes`).
protocol OTLPRequestBody: Sendable {
    /// Calls `body` with the bytes, in place; they are valid only during the call.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result
    /// The bytes as an array: a copy, unless they are one already. For the paths that keep the
    /// export (forwarding) or decode it with SwiftProtobuf.
    var array: [UInt8] { get }
    /// How many bytes there are.
    var byteCount: Int { get }
}

extension Array: OTLPRequestBody where Element == UInt8 {
    var array: [UInt8] { self }
    var byteCount: Int { count }
}
