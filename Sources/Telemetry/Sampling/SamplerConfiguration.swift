/// Builds the sampler named by `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`.
public enum SamplerConfiguration {
    /// The sampler the environment names:
    ///
    /// | `OTEL_TRACES_SAMPLER` | sampler | `OTEL_TRACES_SAMPLER_ARG` |
    /// |---|---|---|
    /// | `always_on` | `AlwaysOnSampler` | |
    /// | `always_off` | `AlwaysOffSampler` | |
    /// | `traceidratio` | `TraceIDRatioSampler` | ratio, default 1.0 |
    /// | `parentbased_always_on` (default) | parent-based, root always on | |
    /// | `parentbased_always_off` | parent-based, root always off | |
    /// | `parentbased_traceidratio` | parent-based, root by ratio | ratio, default 1.0 |
    /// | `ratelimiting` | `RateLimitingSampler` | traces per second, default 10 |
    /// | `parentbased_ratelimiting` | parent-based, root rate-limited | traces per second, default 10 |
    ///
    /// An unknown name or a bad argument is logged and the default applies, as the
    /// specification requires.
    public static func fromEnvironment(_ environment: [String: String] = Environment.variables) -> any Sampler {
        let reader = EnvironmentReader(environment)
        let name = reader.string("OTEL_TRACES_SAMPLER")?.lowercased() ?? "parentbased_always_on"
        func argument(default value: Double, range: ClosedRange<Double>) -> Double {
            guard let argument = reader.double("OTEL_TRACES_SAMPLER_ARG") else { return value }
            guard range.contains(argument) else {
                reader.warn("OTEL_TRACES_SAMPLER_ARG", String(argument), expected: "a value in \(range)")
                return value
            }
            return argument
        }
        switch name {
        case "always_on": return AlwaysOnSampler()
        case "always_off": return AlwaysOffSampler()
        case "traceidratio": return TraceIDRatioSampler(ratio: argument(default: 1, range: 0...1))
        case "parentbased_always_on": return ParentBasedSampler(root: AlwaysOnSampler())
        case "parentbased_always_off": return ParentBasedSampler(root: AlwaysOffSampler())
        case "parentbased_traceidratio":
            return ParentBasedSampler(root: TraceIDRatioSampler(ratio: argument(default: 1, range: 0...1)))
        case "ratelimiting":
            return RateLimitingSampler(tracesPerSecond: argument(default: 10, range: 0...1e9))
        case "parentbased_ratelimiting":
            return ParentBasedSampler(root: RateLimitingSampler(tracesPerSecond: argument(default: 10, range: 0...1e9)))
        default:
            reader.warn("OTEL_TRACES_SAMPLER", name, expected: "always_on, always_off, traceidratio, parentbased_*")
            return ParentBasedSampler(root: AlwaysOnSampler())
        }
    }
}
