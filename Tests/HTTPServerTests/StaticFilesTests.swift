import Foundation
import GzipCodec
import HTTPServer
import TestSupport
import Testing

@Suite("Static files over a real socket")
struct StaticFilesTests {
    /// A root with an index, a script, a vendored file, a hidden file, and a symbolic link to a
    /// secret outside the root.
    private func makeRoot() throws -> (root: String, secret: String) {
        let base = NSTemporaryDirectory() + "static-\(UUID().uuidString)"
        let root = base + "/root"
        try FileManager.default.createDirectory(atPath: root + "/js", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/vendor", withIntermediateDirectories: true)
        try "<!doctype html><title>t</title>".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try String(repeating: "export const x = 1;\n", count: 100).write(
            toFile: root + "/js/app.js", atomically: true, encoding: .utf8)
        try "body{}".write(toFile: root + "/vendor/lib.css", atomically: true, encoding: .utf8)
        try "hidden".write(toFile: root + "/.env", atomically: true, encoding: .utf8)
        try "top secret".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/leak.txt", withDestinationPath: base + "/secret.txt")
        return (root, base + "/secret.txt")
    }

    private func serve(_ source: AssetSource) throws -> HTTPServer {
        var router = Router()
        router.add(Route("GET", "/api/thing", handler: .immediate { _ in .text("api") }))
        StaticFiles(source: source).add(to: &router)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(address: ListenAddress("127.0.0.1:0")!), router: router)
        try server.start()
        return server
    }

    @Test func servesFilesWithTypesValidatorsAndSecurityHeaders() async throws {
        let (root, _) = try makeRoot()
        let server = try serve(.directory(root))
        let port = server.boundAddress.port
        let (index, script, revalidated, vendor, api) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let index = try client.send("GET", "/")
            let script = try client.send("GET", "/js/app.js")
            let revalidated = try client.send(
                "GET", "/js/app.js", headers: [("If-None-Match", script.header("ETag") ?? "")])
            return (index, script, revalidated, try client.send("GET", "/vendor/lib.css"), try client.send("GET", "/api/thing"))
        }
        #expect(index.status == 200)
        #expect(index.text == "<!doctype html><title>t</title>")
        #expect(index.header("Content-Type") == "text/html; charset=utf-8")
        #expect(index.header("Cache-Control") == "no-cache")
        #expect(index.header("X-Content-Type-Options") == "nosniff")
        let policy = try #require(index.header("Content-Security-Policy"))
        #expect(policy.contains("script-src 'self'"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
        let etag = try #require(script.header("ETag"))
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
        #expect(revalidated.status == 304)
        #expect(revalidated.body.isEmpty)
        #expect(revalidated.header("ETag") == etag)
        #expect(vendor.header("Content-Type") == "text/css; charset=utf-8")
        #expect(vendor.header("Cache-Control") == "public, max-age=86400")
        #expect(api.text == "api\n")
        await server.stop()
    }

    @Test func compressesTextForClientsThatAcceptGzip() async throws {
        let (root, _) = try makeRoot()
        let server = try serve(.directory(root))
        let port = server.boundAddress.port
        let (plain, zipped) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("GET", "/js/app.js"),
                try client.send("GET", "/js/app.js", headers: [("Accept-Encoding", "gzip, deflate")])
            )
        }
        #expect(plain.header("Content-Encoding") != "gzip")
        #expect(zipped.header("Content-Encoding") == "gzip")
        #expect(zipped.header("Vary") == "Accept-Encoding")
        #expect(zipped.body.count < plain.body.count)
        #expect(try Gzip.inflate(zipped.body, limit: 1 << 20) == plain.body)
        #expect(zipped.header("ETag") != plain.header("ETag"))
        await server.stop()
    }

    @Test func traversalHiddenFilesAndLinksOutOfTheRootAre404() async throws {
        let (root, _) = try makeRoot()
        let server = try serve(.directory(root))
        let port = server.boundAddress.port
        let attempts = [
            "/../secret.txt", "/%2e%2e/secret.txt", "/js/%2E%2E/%2e%2e/secret.txt", "/..%2fsecret.txt",
            "/js%2f..%2f..%2fsecret.txt", "/leak.txt", "/.env", "/%2eenv", "/js/app.js%00.html", "/nothing.js",
        ]
        let answers = try await blocking {
            let client = try RawHTTPClient(port: port)
            return try attempts.map { try client.send("GET", $0) }
        }
        for (attempt, answer) in zip(attempts, answers) {
            #expect(answer.status == 404, "\(attempt) answered \(answer.status)")
            #expect(!answer.text.contains("top secret"), "\(attempt) leaked the secret")
            #expect(!answer.text.contains("hidden"), "\(attempt) served a hidden file")
        }
        // Another method on an unknown path is 404, not 405.
        let post = try await blocking { try RawHTTPClient(port: port).send("POST", "/index.html") }
        #expect(post.status == 404)
        await server.stop()
    }

    @Test func embeddedFilesAreServedTheSameWay() async throws {
        let files = ["index.html": Array("embedded index".utf8), "js/app.js": Array("let a = 1".utf8)]
        let server = try serve(.embedded(files))
        let port = server.boundAddress.port
        let (index, script, missing) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (try client.send("GET", "/"), try client.send("GET", "/js/app.js"), try client.send("GET", "/js/../index.html"))
        }
        #expect(index.text == "embedded index")
        #expect(script.text == "let a = 1")
        #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
        #expect(missing.status == 404)
        await server.stop()
    }
}
