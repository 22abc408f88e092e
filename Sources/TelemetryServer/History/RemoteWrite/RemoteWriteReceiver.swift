import HTTPServer
import PromQL
import SnappyCodec

/// Prometheus remote write 1.0 receiver: `POST /api/v1/write`, a snappy-compressed protobuf
/// `WriteRequest`, appended to the metric history.
///
/// Answers 204 once the samples are durable; 400 for a body that is not snappy, not a valid
/// `WriteRequest`, with a series past the label limits (`SeriesLabelLimits`; nothing of it is
/// stored), or holds refused samples (the others are stored; out-of-order samples are
/// refused and counted, never reordered; a resend of a stored sample is accepted); 413 when
/// the body or its decompressed size passes the cap; 503 with `Retry-After` when the write
/// queue is full; 500 when storage fails (senders retry 5xx and 429, not 4xx).
struct RemoteWriteReceiver: Sendable {
    let history: MetricHistory
    /// Most bytes a body may decompress to (the HTTP server's cap for inflated bodies).
    let maxDecodedBytes: Int
    /// Label sets of series already seen, by their encoded bytes.
    let interner: LabelsInterner
    /// Bounds on each series' labels: a series past them makes the request a 400.
    let limits: SeriesLabelLimits

    init(history: MetricHistory, maxDecodedBytes: Int = 100 << 20, limits: SeriesLabelLimits = SeriesLabelLimits()) {
        self.history = history
        self.maxDecodedBytes = maxDecodedBytes
        self.limits = limits
        interner = LabelsInterner(capacity: max(2 * history.maxSeries, 100_000))
    }

    func add(to router: inout Router) {
        let receiver = self
        let snappy: Route.ContentDecoder = { body, limit throws(HTTPError) in try Self.decompress(body, limit: limit) }
        router.add(
            Route("POST", "/api/v1/write", contentDecoders: ["snappy": snappy], handler: .suspending { request in
                try await receiver.receive(request)
            }))
    }

    func receive(_ request: HTTPRequest) async throws -> HTTPResponse {
        // Prometheus's receiver reads the body as snappy whatever the header says.
        var body = request.body
        if request.headers["Content-Encoding"]?.lowercased() != "snappy" {
            body = try Self.decompress(body, limit: maxDecodedBytes)
        }
        let decoded: WriteRequest
        do {
            decoded = try WriteRequest(decoding: body, interner: interner, limits: limits)
        } catch {
            throw HTTPError(status: 400, message: error.description)
        }
        guard !history.writer.isOverloaded else {
            throw HTTPError(status: 503, message: "write queue is full; retry later", retryAfterSeconds: 1)
        }
        let (result, writeError) = await history.append(decoded.series)
        if let writeError {
            if writeError == .overloaded || writeError == .stopped {
                throw HTTPError(status: 503, message: writeError.clientMessage, retryAfterSeconds: 1)
            }
            throw HTTPError(status: 500, message: writeError.clientMessage, logMessage: writeError.message)
        }
        var problems: [String] = []
        if result.refused > 0 {
            problems.append(
                "\(result.refused) of \(result.accepted + result.duplicates + result.refused) samples refused "
                    + "(\(result.outOfOrder) out of order, \(result.conflicting) duplicate timestamp, "
                    + "\(result.refusedSeries) over the series limit); first: \(result.firstRefusal ?? "")")
        }
        if decoded.histogramSamples > 0 {
            problems.append("\(decoded.histogramSamples) native histograms ignored: not supported")
        }
        guard problems.isEmpty else {
            throw HTTPError(status: 400, message: problems.joined(separator: "; "))
        }
        return HTTPResponse(status: 204)
    }

    static func decompress(_ body: [UInt8], limit: Int) throws(HTTPError) -> [UInt8] {
        do throws(Snappy.DecodeError) {
            return try Snappy.decompress(body, limit: limit)
        } catch {
            switch error {
            case .tooLarge(let length, let limit):
                throw HTTPError(status: 413, message: "snappy body decompresses to \(length) bytes, more than \(limit)")
            case .corrupt:
                throw HTTPError(status: 400, message: "body is not valid snappy data")
            }
        }
    }
}
