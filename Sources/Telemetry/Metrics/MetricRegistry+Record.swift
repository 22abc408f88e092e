extension MetricRegistry {
    /// Records `value` into the family named `name`, using `attributes` as its labels.
    ///
    /// What "record" means follows the family's type: a counter is incremented by `value`
    /// (negative values are ignored), an up-down counter adds it, a gauge is set to it and a
    /// histogram observes it. A name that is not registered yet becomes a gauge whose label
    /// names are the attribute keys in sorted order.
    ///
    /// - Throws: `MetricError` when the name is invalid or an attribute is not a label of the family.
    public func record(name: String, value: Double, attributes: [String: String] = [:]) throws(MetricError) {
        let family: MetricFamily
        if let existing = self.family(named: name) ?? self.family(named: Self.counterBaseName(name)) {
            family = existing
        } else {
            family = .gauge(try gauge(name: name, help: "", labelNames: attributes.keys.sorted()))
        }
        switch family {
        case .counter(let counter): try counter.labels(attributes: attributes).increment(by: value)
        case .upDownCounter(let counter): try counter.labels(attributes: attributes).add(value)
        case .gauge(let gauge): try gauge.labels(attributes: attributes).set(value)
        case .histogram(let histogram): try histogram.labels(attributes: attributes).observe(value)
        }
    }

    private static func counterBaseName(_ name: String) -> String {
        name.hasSuffix("_total") ? String(name.dropLast("_total".count)) : name
    }
}
