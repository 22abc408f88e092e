import Foundation

/// A real Prometheus server started for one test on loopback with its own config and data
/// directory; `stop()` kills it and removes the directory.
public final class PrometheusProcess: @unchecked Sendable {
    public let port: UInt16
    private let process = ChildProcess()
    private let directory: URL

    /// Starts `binary` scraping `target` (host:port) every second, with exemplar storage on.
    /// `prepare` runs first with the data directory's path (to backfill blocks into it);
    /// `extraConfig` is appended to the configuration file (a `remote_write:` section) and
    /// `extraArguments` to the command line.
    public init(
        binary: String, scraping target: String, extraConfig: String = "", extraArguments: [String] = [],
        prepare: ((String) throws -> Void)? = nil
    ) throws {
        port = freeLoopbackPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: telemetryd
                static_configs:
                  - targets: ['\(target)']
            \(extraConfig)
            """
        let configPath = directory.appendingPathComponent("prometheus.yml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        try prepare?(directory.appendingPathComponent("data").path)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--config.file=\(configPath)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
            "--enable-feature=exemplar-storage",
            "--log.level=warn",
        ] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
    }

    /// GETs a path of Prometheus's HTTP API and decodes the JSON `data` field.
    public func api(_ pathAndQuery: String) throws -> Any? {
        let response = try RawHTTPClient(port: port).send("GET", pathAndQuery)
        guard response.status == 200,
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        else { return nil }
        return json["data"]
    }

    /// Polls `check` every 250 ms until it returns a value or `seconds` pass.
    public func waitFor<T>(seconds: Double = 60, _ check: () throws -> T?) -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try? check() { return value }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return nil
    }

    /// Stops Prometheus and removes its directory once it has exited. Returns at once: the
    /// wait runs on its own thread, never on the Swift pool, which the servers under test need.
    public func stop() {
        let (process, directory) = (process, directory)
        guard process.isRunning else {
            try? FileManager.default.removeItem(at: directory)
            return
        }
        process.terminate()
        Thread {
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }.start()
    }

    deinit { stop() }
}

extension String {
    /// Percent-encodes a PromQL query for a URL query string.
    public var urlQueryEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self
    }
}
