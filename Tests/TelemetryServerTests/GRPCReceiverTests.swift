import Foundation
import HTTPServer
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GRPCProtobuf
import OTLP
import OTLPGRPC
import SwiftProtobuf
import TelemetryServer
import TestSupport
import Testing

@Suite("OTLP/gRPC receiver over a real socket")
struct GRPCReceiverTests {
    @Test func tracesAreStoredAndInvalidItemsReportedAsPartialSuccess() async throws {
        let service = try await startService { $0.grpcListenAddress = grpcAnyPort }
        let port = try #require(service.grpcBoundAddress).port
        let traceID = randomTraceID()
        var extra = traceRequest(traceID: traceID).resourceSpans[0].scopeSpans[0].spans[0]
        extra.spanID = Data(repeating: 0x33, count: 8)
        extra.name = "BAD#NAME"
        var body = Array(try traceRequest(traceID: traceID, service: "grpc-checkout", extraSpans: [extra]).serializedData())
        let marker = Array("BAD#NAME".utf8)
        let index = try #require(body.indices.first { body[$0...].starts(with: marker) })
        body[index + 3] = 0xFF  // never valid in UTF-8
        let answer = try await call(port: port, body, compression: .gzip).get()
        let response = try TraceResponse(serializedBytes: answer)
        #expect(response.partialSuccess.rejectedSpans == 1)
        #expect(response.partialSuccess.errorMessage.contains("not valid UTF-8"))
        let trace = try await blocking {
            try RawHTTPClient(port: service.boundAddress.port).send("GET", "/api/traces/\(traceID)")
        }
        let spans = try #require(try json(trace)["spans"] as? [[String: Any]])
        #expect(spans.compactMap { $0["name"] as? String }.sorted() == ["GET /cart", "SELECT cart"])
        #expect(spans.allSatisfy { $0["service"] as? String == "grpc-checkout" })
        await service.stop()
    }

    @Test func badInputGetsTheRightStatusAndTheServerKeepsServing() async throws {
        let service = try await startService {
            $0.maxRequestBodyBytes = 64 << 10
            $0.grpcListenAddress = grpcAnyPort
        }
        let port = try #require(service.grpcBoundAddress).port
        // Not protobuf at all: INVALID_ARGUMENT (not retryable), naming the message type.
        let garbage = try expectFailure(try await call(port: port, [0xFF, 0xFF, 0xFF, 0x07]), .invalidArgument)
        #expect(garbage.message.contains("invalid protobuf"), "\(garbage)")
        // A message past the cap, plain and gzip-compressed (a few hundred bytes on the wire):
        // RESOURCE_EXHAUSTED, which clients do not retry.
        let oversize = try expectFailure(try await call(port: port, [UInt8](repeating: 0x41, count: 100 << 10)), .resourceExhausted)
        #expect(oversize.message == "message of 102400 bytes is over the 65536-byte limit", "\(oversize)")
        let inflated = try expectFailure(
            try await call(port: port, [UInt8](repeating: 0, count: 100 << 10), compression: .gzip), .resourceExhausted)
        #expect(inflated.message == "message inflates past the 65536-byte limit", "\(inflated)")
        // A gzip bomb (16 MiB of zeros, 16 KiB on the wire) is inflated no further than the cap.
        let bomb = try expectFailure(
            try await call(port: port, [UInt8](repeating: 0, count: 16 << 20), compression: .gzip), .resourceExhausted)
        #expect(bomb.message == "message inflates past the 65536-byte limit", "\(bomb)")
        // deflate the same way (until 2026-12-03 grpc-swift read deflate calls, and reset the
        // stream of a bomb past twice the cap, which clients report as cancelled).
        let deflated = try expectFailure(
            try await call(port: port, [UInt8](repeating: 0, count: 100 << 10), compression: .deflate), .resourceExhausted)
        #expect(deflated.message == "message inflates past the 65536-byte limit", "\(deflated)")
        let deflateBomb = try expectFailure(
            try await call(port: port, [UInt8](repeating: 0, count: 16 << 20), compression: .deflate), .resourceExhausted)
        #expect(deflateBomb.message == "message inflates past the 65536-byte limit", "\(deflateBomb)")
        // Methods the server does not have.
        let unknownMethod = MethodDescriptor(fullyQualifiedService: traceExport.service.fullyQualifiedService, method: "Nope")
        _ = try expectFailure(try await call(port: port, [], method: unknownMethod), .unimplemented)
        let unknownService = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.profiles.v1.ProfilesService", method: "Export")
        _ = try expectFailure(try await call(port: port, [], method: unknownService), .unimplemented)
        // Bytes that are not HTTP/2 at all: that connection is closed, nothing else.
        let closed = try await blocking { () throws -> Bool in
            let client = try RawHTTPClient(port: port)
            try client.writeRaw(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8) + [UInt8](repeating: 0xAB, count: 4096))
            return client.drainUntilClosed(seconds: 10)
        }
        #expect(closed)
        let traceID = randomTraceID()
        let answer = try await call(port: port, Array(try traceRequest(traceID: traceID).serializedData())).get()
        #expect(try TraceResponse(serializedBytes: answer).hasPartialSuccess == false)
        let deflateID = randomTraceID()
        let deflateAnswer = try await call(
            port: port, Array(try traceRequest(traceID: deflateID).serializedData()), compression: .deflate
        ).get()
        #expect(try TraceResponse(serializedBytes: deflateAnswer).hasPartialSuccess == false)
        let calls = try await blocking { try RawHTTPClient(port: service.boundAddress.port).send("GET", "/metrics") }
        let samples = metricSamples(calls.text)
        let method = "opentelemetry.proto.collector.trace.v1.TraceService/Export"
        #expect(samples["telemetryd_grpc_requests_total{method=\"\(method)\",code=\"InvalidArgument\"}"] == 1)
        #expect(samples["telemetryd_grpc_requests_total{method=\"\(method)\",code=\"ResourceExhausted\"}"] == 5)
        #expect(samples["telemetryd_grpc_requests_total{method=\"\(method)\",code=\"OK\"}"] == 2)
        await service.stop()
    }

    /// A full write queue is UNAVAILABLE with a RetryInfo detail, as the OTLP specification
    /// asks, and what was acknowledged is stored.
    @Test func aFullWriteQueueIsUnavailableWithRetryInfo() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("grpc-bp-\(UUID().uuidString)").path
        let service = try await startService {
            $0.storagePath = storage
            $0.maxWriteQueueRows = 1
            $0.grpcListenAddress = grpcAnyPort
        }
        let port = try #require(service.grpcBoundAddress).port
        // Another connection holds SQLite's write lock, so the writer waits and the queue fills.
        let lock = try await SQLiteWriteLock.take(storage: storage)
        let traceIDs = (0..<6).map { _ in randomTraceID() }
        let results = try await withThrowingTaskGroup(of: Result<[UInt8], RPCError>.self) { group in
            for traceID in traceIDs {
                let body = Array(try traceRequest(traceID: traceID).serializedData())
                group.addTask { try await call(port: port, body) }
            }
            var answered: [Result<[UInt8], RPCError>] = []
            while answered.count < 4, let result = try await group.next() { answered.append(result) }
            lock.release()
            while let result = try await group.next() { answered.append(result) }
            return answered
        }
        let refused = results.compactMap { result -> RPCError? in
            if case .failure(let error) = result { return error }
            return nil
        }
        #expect(refused.count >= 4)
        for error in refused {
            #expect(error.code == .unavailable)
            let status = try #require(try error.unpackGoogleRPCStatus())
            #expect(status.details.compactMap { $0.retryInfo?.delay } == [Duration.seconds(1)])
            #expect(status.message == "write queue is full; retry later")
        }
        let stored = try await blocking {
            let client = try RawHTTPClient(port: service.boundAddress.port)
            return try traceIDs.filter { try client.send("GET", "/api/traces/\($0)").status == 200 }.count
        }
        #expect(stored == traceIDs.count - refused.count, "every acknowledged trace is stored")
        await service.stop()
    }
}
