import Foundation
import TestSupport
import Testing

@Suite("promtool", .enabled(if: peerAvailable("promtool")))
struct PromtoolTests {
    @Test func promtoolAcceptsTheServedTextFormat() async throws {
        let promtool = try requirePeer("promtool")
        let service = try startServiceWithSampleMetrics()
        let port = service.boundAddress.port
        let body = try await blocking { try RawHTTPClient(port: port).send("GET", "/metrics").body }
        let result = try ExternalTool.run(promtool, ["check", "metrics"], input: body)
        #expect(result.status == 0, "promtool: \(result.stderr)\n\(String(decoding: result.stdout, as: UTF8.self))")
        #expect(result.stderr.isEmpty, "promtool lint: \(result.stderr)")
        await service.stop()
    }

    @Test func promtoolRejectsBrokenTextSoTheCheckCanFail() throws {
        let promtool = try requirePeer("promtool")
        let broken = Array("# TYPE x counter\nx{a=\"unterminated} 1\n".utf8)
        let result = try ExternalTool.run(promtool, ["check", "metrics"], input: broken)
        #expect(result.status != 0)
    }
}
