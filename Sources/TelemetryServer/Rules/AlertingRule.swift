import PromQL

/// An alerting rule and the state of its alerts, evaluated as Prometheus 2.x evaluates it:
/// each label set the expression returns becomes a pending alert, firing once it has been
/// returned for `for`; one that is no longer returned becomes inactive (resolved) unless
/// `keep_firing_for` holds it firing, and is kept, resolved, for 15 minutes.
public struct AlertingRule: Sendable {
    /// How long a resolved alert is kept and reported (Prometheus's `resolvedRetention`).
    public static let resolvedRetention: Int64 = 15 * 60_000

    public let name: String
    public let expr: Expr
    public let holdFor: Int64
    public let keepFiringFor: Int64
    public let labels: [String: String]
    public let annotations: [String: String]
    /// Active alerts by label set (pending, firing, or resolved and still reported).
    public private(set) var active: [Labels: Alert] = [:]
    /// The label templates (sorted by name) and annotation templates, parsed once.
    private let labelTemplates: [(name: String, template: RuleTemplate)]
    private let annotationTemplates: [(name: String, template: RuleTemplate)]

    public init(_ definition: RuleDefinition, groupLabels: [String: String] = [:]) {
        name = definition.name
        expr = definition.expr
        holdFor = definition.holdFor.milliseconds
        keepFiringFor = definition.keepFiringFor.milliseconds
        labels = groupLabels.merging(definition.labels) { _, rule in rule }
        annotations = definition.annotations
        let templateName = "__alert_\(definition.name)"
        labelTemplates = labels.sorted { $0.key < $1.key }.map { ($0.key, RuleTemplate($0.value, name: templateName)) }
        annotationTemplates = annotations.sorted { $0.key < $1.key }.map { ($0.key, RuleTemplate($0.value, name: templateName)) }
    }

    /// Restores alerts kept from before a restart.
    public mutating func restore(_ alerts: [Alert]) {
        for alert in alerts { active[alert.labels] = alert }
    }

    /// Evaluates at `time` (milliseconds); returns the `ALERTS` and `ALERTS_FOR_STATE` samples
    /// for the active alerts. `limit` > 0 caps the alerts (pending and firing) it may hold.
    public mutating func evaluate(
        at time: Int64, engine: Engine, source: some SeriesSource, limit: Int = 0,
        externalLabels: [String: String] = [:], externalURL: String = ""
    ) throws(RuleError) -> [(labels: Labels, value: Double)] {
        let vector = try RuleError.vector(of: expr, at: time, engine: engine, source: source)
        let environment = TemplateEnvironment(externalURL: externalURL) { (query) throws(TemplateFunction.Failure) in
            try RuleError.templateQuery(query, at: time, engine: engine, source: source)
        }
        var returned = Set<Labels>()
        for element in vector {
            var labelMap: [String: String] = [:]
            for pair in element.labels.pairs { labelMap[pair.name] = pair.value }
            let data = TemplateData(labels: labelMap, externalLabels: externalLabels, externalURL: externalURL, value: element.value)
            var pairs = element.labels.droppingMetricName.pairs.map { ($0.name, $0.value) }
            for (name, template) in labelTemplates {
                pairs.append((name, template.expand(data, environment: environment)))
            }
            pairs.append(("alertname", name))
            let alertLabels = Labels(pairs)
            guard returned.insert(alertLabels).inserted else {
                throw RuleError(message: "vector contains metrics with the same labelset after applying alert labels")
            }
            var expanded: [String: String] = [:]
            for (name, template) in annotationTemplates { expanded[name] = template.expand(data, environment: environment) }
            if var alert = active[alertLabels], alert.state != .inactive {
                alert.value = element.value
                alert.annotations = expanded
                active[alertLabels] = alert
            } else {
                active[alertLabels] = Alert(
                    labels: alertLabels, annotations: expanded, value: element.value, state: .pending, activeAt: time)
            }
        }
        var samples: [(labels: Labels, value: Double)] = []
        var holding = 0
        for (key, var alert) in active {
            if returned.contains(key) {
                alert.keepFiringSince = nil
            } else {
                var keepFiring = false
                if alert.state == .firing, keepFiringFor > 0 {
                    let since = alert.keepFiringSince ?? time
                    alert.keepFiringSince = since
                    keepFiring = time - since < keepFiringFor
                }
                if alert.state == .pending || (alert.resolvedAt.map { time - $0 > Self.resolvedRetention } ?? false) {
                    active[key] = nil
                    continue
                }
                if alert.state != .inactive, !keepFiring {
                    alert.state = .inactive
                    alert.resolvedAt = time
                }
                if !keepFiring {
                    active[key] = alert
                    continue
                }
            }
            holding += 1
            if alert.state == .pending, time - alert.activeAt >= holdFor {
                alert.state = .firing
                alert.firedAt = time
            }
            active[key] = alert
            samples.append((alert.labels.setting(Labels.metricName, "ALERTS").setting("alertstate", alert.state.rawValue), 1))
            samples.append((alert.labels.setting(Labels.metricName, "ALERTS_FOR_STATE"), Double(alert.activeAt) / 1000))
        }
        if limit > 0, holding > limit {
            active.removeAll()
            throw RuleError(message: "exceeded limit of \(limit) with \(holding) alerts")
        }
        return samples
    }

    /// The alerts Prometheus sends at `time`: firing ones not sent for `resendDelay`, and ones
    /// resolved since they were last sent (resolved alerts are re-sent too while kept); marks
    /// them sent. A firing alert's end is `validUntil`, a resolved one's its resolution.
    /// With `all`, every firing or resolved alert is returned, due or not, and none is marked
    /// (to hand restored alerts to the webhook dispatcher after a restart).
    mutating func alertsToSend(
        at time: Int64, resendDelay: Int64, validUntil: Int64, generatorURL: String, externalLabels: [String: String],
        all: Bool = false
    ) -> [OutgoingAlert] {
        var outgoing: [OutgoingAlert] = []
        for (key, var alert) in active where alert.state != .pending {
            let resolvedSinceSent = alert.resolvedAt.map { resolved in alert.lastSentAt.map { resolved > $0 } ?? true } ?? false
            let due = alert.lastSentAt.map { $0 + resendDelay < time } ?? true
            guard all || resolvedSinceSent || due else { continue }
            if !all {
                alert.lastSentAt = time
                active[key] = alert
            }
            var labels = externalLabels
            for pair in alert.labels.pairs { labels[pair.name] = pair.value }
            outgoing.append(
                OutgoingAlert(
                    labels: labels, annotations: alert.annotations, startsAt: alert.firedAt ?? alert.activeAt,
                    endsAt: alert.resolvedAt ?? validUntil, generatorURL: generatorURL))
        }
        return outgoing
    }

    /// The rule's alerts that are pending or firing.
    public var firingOrPending: [Alert] { active.values.filter { $0.state != .inactive } }
}

/// Why a rule's evaluation failed (reported in its `lastError`).
public struct RuleError: Error, Sendable, Equatable {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    /// A rule expression's value at `time` as an instant vector (a scalar becomes one element
    /// without labels), evaluation errors as rule errors.
    static func vector(of expr: Expr, at time: Int64, engine: Engine, source: some SeriesSource) throws(RuleError)
        -> [VectorElement]
    {
        do {
            switch try engine.instant(expr, at: time, source: source) {
            case .vector(_, let elements): return elements
            case .scalar(_, let value): return [VectorElement(labels: Labels([(String, String)]()), value: value)]
            default: return []
            }
        } catch {
            throw RuleError(message: error.message)
        }
    }

    /// A template's `query`: an instant query at the rule's evaluation time, a scalar as one
    /// sample without labels, as Prometheus's rule query function gives it.
    static func templateQuery(_ text: String, at time: Int64, engine: Engine, source: some SeriesSource)
        throws(TemplateFunction.Failure) -> [TemplateSample]
    {
        let expr: Expr
        do {
            expr = try Parser.parse(text)
        } catch {
            throw TemplateFunction.Failure(error.formatted(in: text))
        }
        let value: QueryValue
        do {
            value = try engine.instant(expr, at: time, source: source)
        } catch {
            throw TemplateFunction.Failure(error.message)
        }
        switch value {
        case .vector(_, let elements):
            return elements.map { element in
                var labels: [String: String] = [:]
                for pair in element.labels.pairs { labels[pair.name] = pair.value }
                return TemplateSample(labels: labels, value: element.value)
            }
        case .scalar(_, let value): return [TemplateSample(labels: [:], value: value)]
        default: throw TemplateFunction.Failure("rule result is not a vector or scalar")
        }
    }
}
