import HTTPServer
import TelemetryServer
import Testing

@Suite("Configuration file")
struct ServerConfigurationTests {
    @Test func fullFileOverridesDefaults() throws {
        let configuration = try ServerConfiguration.parse(
            """
            web:
              listen_address: "[::1]:9999"
              max_request_body_bytes: 1048576
              connection_limit: 10
              connection_timeout: 1m30s
              per_ip_connection_limit: 4
            storage:
              path: /var/lib/telemetryd
              retention_time: 3d
              retention_size: 512MB
            otlp:
              metric_staleness: 10m
              max_metric_series: 500
            span_metrics:
              enabled: false
              max_series: 50
            forward:
              endpoint: https://collector.example:4318
              max_queue_size: 8MB
            log:
              level: debug
            """, file: "t.yml")
        #expect(configuration.retentionTime.description == "3d")
        #expect(configuration.retentionSize.bytes == 512 << 20)
        #expect(configuration.metricStaleness.description == "10m")
        #expect(configuration.maxMetricSeries == 500)
        #expect(configuration.spanMetricsEnabled == false)
        #expect(configuration.spanMetricsMaxSeries == 50)
        #expect(configuration.forwardEndpoint == "https://collector.example:4318")
        #expect(configuration.forwardMaxQueueSize.description == "8MB")
        #expect(configuration.listenAddress == ListenAddress("[::1]:9999"))
        #expect(configuration.listenAddress.isIPv6)
        #expect(configuration.maxRequestBodyBytes == 1_048_576)
        #expect(configuration.connectionLimit == 10)
        #expect(configuration.connectionTimeout.seconds == 90)
        #expect(configuration.httpConfiguration.connectionTimeoutSeconds == 90)
        #expect(configuration.perIPConnectionLimit == 4)
        #expect(configuration.storagePath == "/var/lib/telemetryd")
        #expect(configuration.logLevel == .debug)
    }

    /// Each part fits 64 bits but their sum does not: an error, not a crash.
    @Test func durationsWhoseSumOverflowsAreRejected() {
        #expect(PrometheusDuration("292471208y292471208w") == nil)
        #expect(PrometheusDuration("292471208y") != nil)
        #expect(throws: ConfigError.self) {
            try ServerConfiguration.parse("web:\n  connection_timeout: 292471208y292471208w\n", file: "big.yml")
        }
    }

    @Test func remoteWriteTargetsKeepPrometheusDefaults() throws {
        let configuration = try ServerConfiguration.parse(
            """
            remote_write:
              - url: http://mimir:9009/api/v1/push
                headers: {X-Scope-OrgID: team-a}
                queue_config: {max_samples_per_send: 500}
              - url: https://other/api/v1/write
                name: other
            """, file: "rw.yml")
        #expect(configuration.remoteWrite.count == 2)
        #expect(configuration.remoteWrite[0].headers == ["X-Scope-OrgID": "team-a"])
        #expect(configuration.remoteWrite[0].maxSamplesPerSend == 500)
        #expect(configuration.remoteWrite[0].capacity == 10_000)
        #expect(configuration.remoteWrite[0].name == "http://mimir:9009/api/v1/push")
        #expect(configuration.remoteWrite[1].name == "other")
        #expect(configuration.remoteWrite[1].batchSendDeadline.milliseconds == 5000)
    }

    @Test func emptyFileGivesDefaults() throws {
        let configuration = try ServerConfiguration.parse("", file: "empty.yml")
        #expect(configuration == ServerConfiguration())
        #expect(configuration.listenAddress.description == "127.0.0.1:4318")
        #expect(configuration.storagePath == "./data")
    }

    @Test(arguments: [
        ("web:\n  listen_adress: 1.2.3.4:5\n", "bad.yml:2:3: web.listen_adress: unknown field"),
        ("web:\n  listen_address: localhost\n", "bad.yml:2:19: web.listen_address: invalid listen address \"localhost\""),
        ("web:\n  connection_limit: many\n", "bad.yml:2:21: web.connection_limit: expected an integer, got \"many\""),
        ("web:\n  connection_limit: 0\n", "bad.yml:2:21: web.connection_limit: must be at least 1"),
        ("web:\n  connection_timeout: 5 minutes\n", "bad.yml:2:23: web.connection_timeout: invalid duration \"5 minutes\""),
        ("log:\n  level: loud\n", "bad.yml:2:10: log.level: invalid log level \"loud\""),
        ("storage: [1, 2]\n", "bad.yml:1:10: storage: expected a mapping"),
        ("storage:\n  retention_size: 1 gig\n", "bad.yml:2:19: storage.retention_size: invalid size \"1 gig\""),
        ("otlp:\n  metric_staleness: 0s\n", "bad.yml:2:21: otlp.metric_staleness: must be more than 0s"),
        ("span_metrics:\n  enabled: maybe\n", "bad.yml:2:12: span_metrics.enabled: expected true or false"),
        ("forward:\n  endpoint: collector:4318\n", "bad.yml:2:13: forward.endpoint: invalid endpoint"),
        ("scrape_configs: []\n", "bad.yml:1:1: scrape_configs: unknown field"),
        ("web:\n  dashboards_path: /nonexistent/dash\n",
         "bad.yml:2:20: web.dashboards_path: dashboards folder \"/nonexistent/dash\" does not exist or is not a folder"),
        ("web:\n  dashboards_path: /tmp\n", "bad.yml:2:20: web.dashboards_path: dashboards folder \"/tmp\" has no index.html"),
        ("web:\n  max_event_clients: 0\n", "bad.yml:2:22: web.max_event_clients: must be at least 1"),
        ("web:\n  listen_address: [oops\n", "bad.yml:3:1: invalid YAML"),
        ("remote_write:\n  - name: x\n", "bad.yml:2:5: remote_write[0].url: is required"),
        ("alerting:\n  alertmanagers:\n    - url: am:9093\n",
         "bad.yml:3:12: alerting.alertmanagers[0].url: must be an http:// or https:// URL"),
        ("alerting:\n  webhooks:\n    - name: chat\n      url: http://bridge/hook\n      matchers: ['severity=~\"(\"']\n",
         "bad.yml:5:17: alerting.webhooks[0].matchers: invalid matcher"),
        ("alerting:\n  webhooks:\n    - {name: a, url: http://x/h}\n    - {name: a, url: http://y/h}\n",
         "bad.yml:4:14: alerting.webhooks[1].name: webhook name \"a\" is used twice"),
        ("alerting:\n  resend_delay: soon\n", "bad.yml:2:17: alerting.resend_delay: invalid duration"),
        ("alerting:\n  webhooks:\n    - {name: a, url: http://x/h, group_wiat: 1s}\n",
         "bad.yml:3:34: alerting.webhooks[0].group_wiat: unknown field"),
        ("remote_write:\n  - url: prom:9090\n", "bad.yml:2:10: remote_write[0].url: must be an http:// or https:// URL"),
        ("remote_write:\n  - url: http://a/w\n  - url: http://b/w\n    queue_config: {capacty: 5}\n",
         "bad.yml:4:20: remote_write[1].queue_config.capacty: unknown field"),
        ("remote_write: {url: http://a/w}\n", "bad.yml:1:15: remote_write: expected a list"),
    ])
    func errorsNameFileLineAndField(text: String, expectedPrefix: String) {
        do {
            _ = try ServerConfiguration.parse(text, file: "bad.yml")
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.description.hasPrefix(expectedPrefix), "got: \(error.description)")
        }
    }

    @Test func durationsFollowPrometheusNotation() {
        #expect(PrometheusDuration("1h30m")?.milliseconds == 5_400_000)
        #expect(PrometheusDuration("250ms")?.milliseconds == 250)
        #expect(PrometheusDuration("2d")?.seconds == 172_800)
        #expect(PrometheusDuration("0")?.milliseconds == 0)
        #expect(PrometheusDuration("1h30m")?.description == "1h30m")
        #expect(PrometheusDuration("30m1h") == nil)
        #expect(PrometheusDuration("5") == nil)
        #expect(PrometheusDuration("-5m") == nil)
        #expect(PrometheusDuration("") == nil)
        #expect(PrometheusDuration("1.5h") == nil)
    }

    @Test func sizesFollowPrometheusNotation() {
        #expect(ByteSize("1GB")?.bytes == 1 << 30)
        #expect(ByteSize("512MB")?.description == "512MB")
        #expect(ByteSize("1536MB")?.description == "1536MB")
        #expect(ByteSize("0")?.bytes == 0)
        #expect(ByteSize("10") == nil)
        #expect(ByteSize("1.5GB") == nil)
        #expect(ByteSize("99999999PB") == nil)
    }

    @Test(arguments: [
        ("127.0.0.1:4318", "127.0.0.1:4318"), (":9090", "0.0.0.0:9090"), ("localhost:80", "127.0.0.1:80"),
        ("[::]:4318", "[::]:4318"), ("[::1]:1", "[::1]:1"),
    ])
    func listenAddressesParse(text: String, expected: String) {
        #expect(ListenAddress(text)?.description == expected)
    }

    @Test(arguments: ["4318", "host:4318", "1.2.3:4", "1.2.3.4:70000", "[::1]4318", "1.2.3.4:", "256.0.0.1:1"])
    func badListenAddressesAreRejected(text: String) {
        #expect(ListenAddress(text) == nil)
    }
}
