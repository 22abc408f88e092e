/// One sample: a time in milliseconds since 1970 and a value.
public struct Sample: Sendable, Equatable {
    public var time: Int64
    public var value: Double

    public init(time: Int64, value: Double) {
        self.time = time
        self.value = value
    }

    /// The NaN Prometheus writes when a series goes stale (bit pattern 0x7ff0000000000002),
    /// distinct from a NaN a client sends.
    public static let staleMarker = Double(bitPattern: 0x7ff0_0000_0000_0002)

    /// Whether `value` is the staleness marker.
    public static func isStaleMarker(_ value: Double) -> Bool {
        value.bitPattern == staleMarker.bitPattern
    }
}

/// A series: its labels and samples in time order.
public struct Series: Sendable, Equatable {
    public var labels: Labels
    public var samples: [Sample]

    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}

/// One element of an instant vector.
public struct VectorElement: Sendable, Equatable {
    public var labels: Labels
    public var value: Double

    public init(labels: Labels, value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// What an expression evaluates to.
public enum QueryValue: Sendable, Equatable {
    case scalar(time: Int64, value: Double)
    case string(time: Int64, value: String)
    case vector(time: Int64, elements: [VectorElement])
    case matrix([Series])
}
