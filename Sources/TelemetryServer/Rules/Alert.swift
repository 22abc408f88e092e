import PromQL

/// Where an alert stands, as Prometheus names the states.
public enum AlertState: String, Sendable, Codable {
    case inactive, pending, firing
}

/// One alert of an alerting rule: one label set the rule's expression returned.
public struct Alert: Sendable, Equatable {
    /// The alert's labels: the series' (without `__name__`), the rule's, and `alertname`.
    public var labels: Labels
    public var annotations: [String: String]
    /// The expression's value at the latest evaluation that returned this label set.
    public var value: Double
    public var state: AlertState
    /// When the expression first returned this label set (milliseconds).
    public var activeAt: Int64
    /// When the alert started firing.
    public var firedAt: Int64?
    /// When it stopped (it is kept and reported as resolved for `AlertingRule.resolvedRetention`).
    public var resolvedAt: Int64?
    /// Since when the expression no longer returns it while `keep_firing_for` holds it firing.
    public var keepFiringSince: Int64?
    /// When it was last sent to notifiers.
    public var lastSentAt: Int64?
}
