/// A registered family of any type, as the registry and the encoders see it.
enum MetricFamily: Sendable {
    case counter(Counter)
    case upDownCounter(UpDownCounter)
    case gauge(Gauge)
    case histogram(Histogram)

    var descriptor: MetricDescriptor {
        switch self {
        case .counter(let family): return family.descriptor
        case .upDownCounter(let family): return family.descriptor
        case .gauge(let family): return family.descriptor
        case .histogram(let family): return family.descriptor
        }
    }

    /// A word for error messages that tells the four kinds apart.
    var kindName: String {
        switch self {
        case .counter: return "counter"
        case .upDownCounter: return "up-down counter"
        case .gauge: return "gauge"
        case .histogram: return "histogram"
        }
    }
}
