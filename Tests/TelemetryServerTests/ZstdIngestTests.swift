import Foundation
import OTLP
import SwiftProtobuf
@testable import TelemetryServer
import TestSupport
import Testing
import ZstdCodec

private func zstdToolAvailable() -> Bool {
    ExternalTool.isCI || ExternalTool.find("zstd") != nil
}

/// zstd, as the OpenTelemetry Collector sends it with `compression: zstd`: frames made by
/// Debian's `zstd` tool (the reference implementation's), over OTLP/HTTP and OTLP/gRPC.
@Suite("zstd exports", .enabled(if: zstdToolAvailable()))
struct ZstdIngestTests {
    let grpcPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

    @Test func theToolsFramesDecodeAndDamagedOnesAreRefused() throws {
        let text = Array((0..<5_000).map { "line \($0) of a log\n" }.joined().utf8)
        let framed = try ExternalTool.zstd(text, ["-19"])
        #expect(framed.count < text.count / 4)
        #expect(try Zstd.decompress(framed, limit: 1 << 20) == text)
        // Two frames in a row (`cat a.zst b.zst`) are one stream.
        let tail = Array("tail\n".utf8)
        #expect(try Zstd.decompress(framed + ExternalTool.zstd(tail), limit: 1 << 20) == text + tail)
        // A frame that states its size (the tool's from a pipe do not) is read into room made once.
        #expect(try Zstd.decompress(Zstd.compress(text), limit: 1 << 20) == text)
        // Our encoder's frames, read back by the tool.
        let zstd = try #require(ExternalTool.find("zstd"))
        let readBack = try ExternalTool.run(zstd, ["-d", "-c", "-q"], input: Zstd.compress(text))
        #expect(readBack.status == 0 && readBack.stdout == text)
        // Decoding stops at the limit.
        #expect(throws: Zstd.DecodeError.tooLarge(limit: 1_000)) { try Zstd.decompress(framed, limit: 1_000) }
        #expect(throws: Zstd.DecodeError.corrupt("data ends inside a frame")) {
            try Zstd.decompress(Array(framed.dropLast(10)), limit: 1 << 20)
        }
        #expect(throws: Zstd.DecodeError.corrupt("Unknown frame descriptor")) { try Zstd.decompress(Array("not zstd".utf8), limit: 1 << 20) }
        #expect(throws: Zstd.DecodeError.corrupt("no frame")) { try Zstd.decompress([], limit: 1 << 20) }
        // A frame that asks for a 128 MiB window (`--long=27` from a pipe) is refused before the
        // decoder takes that memory.
        #expect(throws: Zstd.DecodeError.corrupt("Frame requires too much memory for decoding")) {
            try Zstd.decompress(try ExternalTool.zstd(text, ["--long=27"]), limit: 1 << 20)
        }
    }

    @Test func otlpHTTPDecodesZstdBodiesUnderTheInflatedCap() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let traces = try ExternalTool.zstd(Array(try traceRequest(traceID: traceID).serializedData()))
        let logs = try ExternalTool.zstd(Array("""
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"zstd-logs"}}]},
            "scopeLogs":[{"logRecords":[{"timeUnixNano":"\(UInt64(Date().timeIntervalSince1970 * 1e9))","body":{"stringValue":"squeezed"}}]}]}]}
            """.utf8))
        // 101 MiB of zeros, a few kilobytes on the wire: past the 100 MiB inflated cap.
        let bomb = Zstd.compress([UInt8](repeating: 0, count: 101 << 20))
        #expect(bomb.count < 64 << 10)
        let protobuf = ("Content-Type", "application/x-protobuf")
        let asJSON = ("Content-Type", "application/json")
        let zstd = ("Content-Encoding", "zstd")
        let (stored, logged, bombed, garbled, huge, unknown, trace, found) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/v1/traces", headers: [protobuf, zstd], body: traces),
                try client.send("POST", "/v1/logs", headers: [asJSON, ("Content-Encoding", "ZSTD")], body: logs),
                try client.send("POST", "/v1/metrics", headers: [asJSON, zstd], body: bomb),
                try client.send("POST", "/v1/traces", headers: [asJSON, zstd], body: Array("{}".utf8)),
                try client.send("POST", "/v1/traces", headers: [asJSON, zstd], body: try ExternalTool.zstd(Array("{}".utf8), ["--long=27"])),
                try client.send("POST", "/v1/traces", headers: [asJSON, ("Content-Encoding", "br")], body: [1, 2, 3]),
                try client.send("GET", "/api/traces/\(traceID)"),
                try client.send("GET", "/api/logs?service=zstd-logs")
            )
        }
        #expect(stored.status == 200)
        #expect(logged.status == 200)
        #expect(trace.status == 200)
        #expect((try json(trace)["spans"] as? [[String: Any]])?.count == 2)
        #expect((try json(found)["logs"] as? [[String: Any]])?.first?["body"] as? String == "squeezed", "\(found.text)")
        // Errors in the OTLP error body (google.rpc.Status as JSON), naming the coding.
        #expect(bombed.status == 413)
        #expect((try json(bombed)["message"] as? String) == "zstd body inflates to more than 104857600 bytes", "\(bombed.text)")
        #expect(garbled.status == 400)
        #expect((try json(garbled)["message"] as? String) == "invalid zstd body: Unknown frame descriptor", "\(garbled.text)")
        #expect(huge.status == 400)
        #expect((try json(huge)["message"] as? String)?.hasSuffix("Frame requires too much memory for decoding") == true, "\(huge.text)")
        #expect(unknown.status == 415)
        #expect((try json(unknown)["message"] as? String)?.hasSuffix("use deflate, gzip, identity, zstd") == true, "\(unknown.text)")
        await service.stop()
    }

    @Test func otlpGRPCReadsZstdMessages() async throws {
        let service = try await startService {
            $0.maxRequestBodyBytes = 64 << 10
            $0.grpcListenAddress = grpcAnyPort
        }
        let port = try #require(service.grpcBoundAddress).port
        let traceID = randomTraceID()
        let message = try ExternalTool.zstd(Array(try traceRequest(traceID: traceID).serializedData()))
        let zstd = [("grpc-encoding", "zstd")]
        let ok = try await RawHTTP2Stream.send(port: port, path: grpcPath, headers: zstd, data: [RawHTTP2Stream.framed(message, flag: 1)])
        #expect(ok.last("grpc-status") == "0")
        #expect(ok.headerBlocks.first?.first(name: "grpc-accept-encoding") == "identity,deflate,gzip,zstd")
        let trace = try await blocking { try RawHTTPClient(port: service.boundAddress.port).send("GET", "/api/traces/\(traceID)") }
        #expect(trace.status == 200)
        // 1 MiB of zeros against the 64 KiB cap: inflated no further than the cap.
        let bomb = try ExternalTool.zstd([UInt8](repeating: 0, count: 1 << 20))
        let exhausted = try await RawHTTP2Stream.send(port: port, path: grpcPath, headers: zstd, data: [RawHTTP2Stream.framed(bomb, flag: 1)])
        #expect(exhausted.last("grpc-status") == "8")
        #expect(exhausted.last("grpc-message") == "message inflates past the 65536-byte limit")
        // gzip's bytes named zstd.
        let named = try await RawHTTP2Stream.send(
            port: port, path: grpcPath, headers: zstd, data: [RawHTTP2Stream.framed(try ExternalTool.gzip(Array("{}".utf8)), flag: 1)])
        #expect(named.last("grpc-status") == "13")
        #expect(named.last("grpc-message") == "zstd message cannot be inflated: Unknown frame descriptor", "\(named)")
        await service.stop()
    }
}
