import Foundation
import PromQL
import Testing

@testable import TelemetryServer

/// Alertmanager's grouping and timing for webhooks, on virtual time: group_wait,
/// group_interval, repeat_interval, send_resolved, max_alerts, matchers, group_by.
@Suite("Webhook dispatcher")
struct WebhookDispatcherTests {
    private static let t0: Int64 = 1_800_000_000_000
    private static let second: Int64 = 1000

    private static func receiver(
        _ configure: (inout WebhookReceiver) -> Void = { _ in }
    ) -> WebhookReceiver {
        var receiver = WebhookReceiver(name: "chat", url: "http://127.0.0.1:1/hook")
        receiver.groupBy = ["alertname"]
        configure(&receiver)
        return receiver
    }

    /// A firing alert valid for an hour, or resolved at `resolvedAt`.
    private static func alert(
        _ name: String, instance: String, startsAt: Int64 = t0, resolvedAt: Int64? = nil, validUntil: Int64 = t0 + 3_600_000
    ) -> OutgoingAlert {
        OutgoingAlert(
            labels: ["alertname": name, "instance": instance, "job": "api"], annotations: ["summary": "\(instance) is down"],
            startsAt: startsAt, endsAt: resolvedAt ?? validUntil, generatorURL: "http://telemetryd:4318/graph?g0.expr=up")
    }

    private static func payload(_ notification: WebhookDispatcher.Notification) throws -> [String: Any] {
        let bytes = try #require(notification.payload)
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    private static func instances(_ notification: WebhookDispatcher.Notification) throws -> [String] {
        ((try payload(notification))["alerts"] as? [[String: Any]] ?? []).compactMap { ($0["labels"] as? [String: String])?["instance"] }
    }

    @Test func groupWaitGathersAlertsThenGroupIntervalBatchesChanges() throws {
        let dispatcher = WebhookDispatcher(receivers: [Self.receiver()], externalURL: "http://telemetryd:4318")
        dispatcher.receive([Self.alert("Down", instance: "a")], at: Self.t0)
        dispatcher.receive([Self.alert("Down", instance: "b", startsAt: Self.t0 + 5 * Self.second)], at: Self.t0 + 5 * Self.second)
        #expect(dispatcher.flush(at: Self.t0 + 29 * Self.second).isEmpty, "nothing before group_wait")
        let first = dispatcher.flush(at: Self.t0 + 30 * Self.second)
        #expect(first.count == 1)
        #expect(try Self.instances(first[0]) == ["a", "b"])

        dispatcher.receive([Self.alert("Down", instance: "c", startsAt: Self.t0 + 40 * Self.second)], at: Self.t0 + 40 * Self.second)
        #expect(dispatcher.flush(at: Self.t0 + 60 * Self.second).isEmpty, "a new alert waits for group_interval")
        let second = dispatcher.flush(at: Self.t0 + 330 * Self.second)
        #expect(try Self.instances(try #require(second.first)) == ["a", "b", "c"])

        // Nothing changes: silent at the next intervals, repeated once repeat_interval (4h) passed.
        #expect(dispatcher.flush(at: Self.t0 + 630 * Self.second).isEmpty)
        let hours4: Int64 = 4 * 3_600_000
        var repeated: [WebhookDispatcher.Notification] = []
        var time = Self.t0 + 630 * Self.second
        while repeated.isEmpty, time < Self.t0 + 5 * 3_600_000 {
            time += 300 * Self.second
            // The rules engine re-sends firing alerts, extending their validity.
            dispatcher.receive(["a", "b", "c"].map { Self.alert("Down", instance: $0, validUntil: time + 3_600_000) }, at: time)
            repeated = dispatcher.flush(at: time)
        }
        #expect(repeated.count == 1)
        #expect(time >= Self.t0 + 330 * Self.second + hours4 && time < Self.t0 + 330 * Self.second + hours4 + 300 * Self.second)
    }

    @Test func resolvedAlertsAreNotifiedWithSendResolvedAndLeaveTheGroup() throws {
        let dispatcher = WebhookDispatcher(receivers: [Self.receiver()], externalURL: "http://telemetryd:4318")
        dispatcher.receive([Self.alert("Down", instance: "a"), Self.alert("Down", instance: "b")], at: Self.t0)
        _ = dispatcher.flush(at: Self.t0 + 30 * Self.second)
        let resolvedAt = Self.t0 + 100 * Self.second
        dispatcher.receive([Self.alert("Down", instance: "a", resolvedAt: resolvedAt)], at: resolvedAt)
        let notified = try #require(dispatcher.flush(at: Self.t0 + 330 * Self.second).first)
        let body = try Self.payload(notified)
        #expect(body["status"] as? String == "firing", "b still fires")
        let alerts = try #require(body["alerts"] as? [[String: Any]])
        #expect(alerts.map { $0["status"] as? String } == ["resolved", "firing"])
        #expect(alerts[0]["endsAt"] as? String == OutgoingAlert.timestamp(resolvedAt))
        #expect(alerts[1]["endsAt"] as? String == "0001-01-01T00:00:00Z", "a firing alert's end is hidden, as Alertmanager does")

        // The resolved alert left the group; b resolves too: a last, resolved notification.
        dispatcher.receive([Self.alert("Down", instance: "b", resolvedAt: Self.t0 + 400 * Self.second)], at: Self.t0 + 400 * Self.second)
        let last = try #require(dispatcher.flush(at: Self.t0 + 630 * Self.second).first)
        #expect(try Self.payload(last)["status"] as? String == "resolved")
        #expect(try Self.instances(last) == ["b"])
        #expect(dispatcher.flush(at: Self.t0 + 4 * 3_600_000).isEmpty, "the empty group is gone")
    }

    @Test func withoutSendResolvedOnlyFiringAlertsAreSent() throws {
        let dispatcher = WebhookDispatcher(receivers: [Self.receiver { $0.sendResolved = false }], externalURL: "")
        dispatcher.receive([Self.alert("Down", instance: "a"), Self.alert("Down", instance: "b")], at: Self.t0)
        _ = dispatcher.flush(at: Self.t0 + 30 * Self.second)
        dispatcher.receive([Self.alert("Down", instance: "a", resolvedAt: Self.t0 + 60 * Self.second)], at: Self.t0 + 60 * Self.second)
        #expect(dispatcher.flush(at: Self.t0 + 330 * Self.second).isEmpty, "a resolution alone is not news without send_resolved")
        dispatcher.receive([Self.alert("Down", instance: "b", resolvedAt: Self.t0 + 400 * Self.second)], at: Self.t0 + 400 * Self.second)
        let cleared = dispatcher.flush(at: Self.t0 + 630 * Self.second)
        #expect(cleared.count == 1 && cleared[0].payload == nil, "the log is cleared, nothing is sent")
    }

    @Test func anAlertResolvedBeforeItsGroupWasNotifiedIsNeverSent() {
        let dispatcher = WebhookDispatcher(receivers: [Self.receiver()], externalURL: "")
        dispatcher.receive([Self.alert("Down", instance: "a", resolvedAt: Self.t0 + 10 * Self.second)], at: Self.t0 + 10 * Self.second)
        #expect(dispatcher.flush(at: Self.t0 + 30 * Self.second).isEmpty)
    }

    @Test func maxAlertsTruncatesAndCounts() throws {
        let dispatcher = WebhookDispatcher(receivers: [Self.receiver { $0.maxAlerts = 2 }], externalURL: "")
        dispatcher.receive((0..<5).map { Self.alert("Down", instance: "i\($0)") }, at: Self.t0)
        let body = try Self.payload(try #require(dispatcher.flush(at: Self.t0 + 30 * Self.second).first))
        #expect((body["alerts"] as? [Any])?.count == 2)
        #expect(body["truncatedAlerts"] as? Int == 3)
    }

    @Test func matchersRouteAndGroupByChoosesTheGroups() throws {
        var pages = Self.receiver { $0.groupByAll = true }
        pages.name = "pages"
        pages.matchers = [LabelMatcher(name: "severity", kind: .equal, value: "page")]
        let everything = Self.receiver { $0.groupBy = [] }
        let dispatcher = WebhookDispatcher(receivers: [pages, everything], externalURL: "")
        var paging = Self.alert("Down", instance: "a")
        paging.labels["severity"] = "page"
        var pagingToo = Self.alert("Slow", instance: "b")
        pagingToo.labels["severity"] = "page"
        dispatcher.receive([paging, pagingToo, Self.alert("Quiet", instance: "c")], at: Self.t0)
        let flushed = dispatcher.flush(at: Self.t0 + 30 * Self.second)
        let toPages = flushed.filter { $0.receiver == "pages" }
        let toChat = flushed.filter { $0.receiver == "chat" }
        #expect(toPages.count == 2, "group_by ['...']: one group per label set")
        #expect(toPages.allSatisfy { $0.groupKey.hasPrefix("{}/{severity=\"page\"}:{alertname=") })
        #expect(toChat.count == 1, "group_by []: one group")
        #expect(try Self.instances(toChat[0]) == ["a", "b", "c"])
        #expect(toChat[0].groupKey == "{}:{}")
        #expect(try Self.payload(toChat[0])["groupLabels"] as? [String: String] == [:])
    }

    @Test func payloadHasAlertmanagersFields() throws {
        let dispatcher = WebhookDispatcher(receivers: [Self.receiver()], externalURL: "http://telemetryd:4318")
        dispatcher.receive([Self.alert("Down", instance: "a"), Self.alert("Down", instance: "b")], at: Self.t0)
        let body = try Self.payload(try #require(dispatcher.flush(at: Self.t0 + 30 * Self.second).first))
        #expect(body["version"] as? String == "4")
        #expect(body["receiver"] as? String == "chat")
        #expect(body["groupKey"] as? String == "{}:{alertname=\"Down\"}")
        #expect(body["groupLabels"] as? [String: String] == ["alertname": "Down"])
        #expect(body["commonLabels"] as? [String: String] == ["alertname": "Down", "job": "api"])
        #expect(body["commonAnnotations"] as? [String: String] == [:])
        #expect(body["externalURL"] as? String == "http://telemetryd:4318")
        #expect(body["truncatedAlerts"] as? Int == 0)
        let first = try #require((body["alerts"] as? [[String: Any]])?.first)
        #expect(first["startsAt"] as? String == OutgoingAlert.timestamp(Self.t0))
        #expect(first["generatorURL"] as? String == "http://telemetryd:4318/graph?g0.expr=up")
        let fingerprint = try #require(first["fingerprint"] as? String)
        #expect(fingerprint.count == 16 && fingerprint.allSatisfy(\.isHexDigit))
    }

    @Test func anAlertOlderThanGroupWaitIsNotifiedAtOnce() {
        let dispatcher = WebhookDispatcher(receivers: [Self.receiver()], externalURL: "")
        dispatcher.receive([Self.alert("Down", instance: "a", startsAt: Self.t0 - 60 * Self.second)], at: Self.t0)
        #expect(dispatcher.flush(at: Self.t0).count == 1)
    }

    @Test func silencedAlertsAreLeftOut() async throws {
        let silences = try SilenceStore(database: nil, writer: nil)
        try await silences.add(
            SilenceStore.Silence(
                id: "s1", matchers: [LabelMatcher(name: "instance", kind: .regexMatch, value: "a|b")], startsAt: Self.t0,
                endsAt: Self.t0 + 3_600_000, createdBy: "test", comment: "", updatedAt: Self.t0), at: Self.t0)
        let dispatcher = WebhookDispatcher(receivers: [Self.receiver()], externalURL: "", silences: silences)
        dispatcher.receive(["a", "b", "c"].map { Self.alert("Down", instance: $0) }, at: Self.t0)
        let notified = try #require(dispatcher.flush(at: Self.t0 + 30 * Self.second).first)
        #expect(try Self.instances(notified) == ["c"])
    }

    /// Expired silences beyond `max_silences` go, the longest expired first; a full store of
    /// pending and active silences refuses one more.
    @Test func expiredSilencesPastTheLimitGoLongestExpiredFirst() async throws {
        let limits = SilenceLimits(maxSilences: 2, maxSilenceBytes: 1000, retention: PrometheusDuration(milliseconds: 86_400_000))
        let silences = try SilenceStore(database: nil, writer: nil, limits: limits)
        func silence(_ id: String, at time: Int64) -> SilenceStore.Silence {
            SilenceStore.Silence(
                id: id, matchers: [LabelMatcher(name: "instance", kind: .equal, value: id)], startsAt: time,
                endsAt: time + 3_600_000, createdBy: "test", comment: "", updatedAt: time)
        }
        for (index, id) in ["a", "b", "c", "d"].enumerated() {
            let time = Self.t0 + Int64(index) * 60_000
            try await silences.add(silence(id, at: time), at: time)
            #expect(try await silences.expire(id, at: time + 1000))
        }
        #expect(Set(silences.all.map(\.id)) == ["c", "d"], "a and b expired longest ago")
        try await silences.add(silence("e", at: Self.t0 + 600_000), at: Self.t0 + 600_000)
        try await silences.add(silence("f", at: Self.t0 + 600_000), at: Self.t0 + 600_000)
        await #expect(throws: SilenceStore.Refusal.self) {
            try await silences.add(silence("g", at: Self.t0 + 600_000), at: Self.t0 + 600_000)
        }
        #expect(Set(silences.all.map(\.id)) == ["c", "d", "e", "f"])
    }

    @Test(arguments: [
        ("severity=\"page\"", "severity", LabelMatcher.Kind.equal, "page"),
        ("{team=~\"ops|db\"}", "team", .regexMatch, "ops|db"),
        ("env != dev", "env", .notEqual, "dev"),
        ("job!~\"batch.*\"", "job", .regexNoMatch, "batch.*"),
    ])
    func alertmanagerMatchersParse(text: String, name: String, kind: LabelMatcher.Kind, value: String) throws {
        let matcher = try AlertMatcherParser.parse(text)
        #expect(matcher.name == name && matcher.kind == kind && matcher.value == value)
    }

    @Test(arguments: ["severity", "9bad=\"x\"", "team=~\"(\"", "a=\"unterminated"])
    func badMatchersAreRefused(text: String) {
        #expect(throws: AlertMatcherParser.Failure.self) { try AlertMatcherParser.parse(text) }
    }
}
