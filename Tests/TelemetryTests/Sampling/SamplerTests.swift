import Synchronization
import Telemetry
import Testing

/// A sampler that answers with a fixed decision and remembers that it was asked.
private final class MarkedSampler: Sampler {
    let decision: SamplingDecision
    let name: String
    let calls = Atomic<Int>(0)

    init(_ name: String, _ decision: SamplingDecision) {
        self.name = name
        self.decision = decision
    }

    func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind, attributes: SpanAttributes,
        links: [SpanLink]
    ) -> SamplingResult {
        calls.add(1, ordering: .relaxed)
        return SamplingResult(decision, attributes: ["sampler": .string(self.name)])
    }

    var description: String { name }
}

@Suite("Samplers")
struct SamplerTests {
    func decide(_ sampler: any Sampler, parent: SpanContext? = nil, traceID: TraceID = .random()) -> SamplingResult {
        sampler.shouldSample(parentContext: parent, traceID: traceID, name: "x", kind: .internal, attributes: [:], links: [])
    }

    @Test(arguments: [0.01, 0.25, 0.5, 0.9])
    func ratioSamplerSamplesTheRatioWithinStatisticalTolerance(ratio: Double) {
        let sampler = TraceIDRatioSampler(ratio: ratio)
        let trials = 100_000
        let sampled = (0..<trials).reduce(0) { count, _ in count + (decide(sampler).decision == .recordAndSample ? 1 : 0) }
        // Five standard deviations of the binomial distribution: a false failure is ~1 in 3.5 million.
        let tolerance = 5 * (Double(trials) * ratio * (1 - ratio)).squareRoot()
        #expect(abs(Double(sampled) - Double(trials) * ratio) < tolerance, "sampled \(sampled) of \(trials) at \(ratio)")
    }

    @Test func ratioDecisionDependsOnlyOnTheTraceID() {
        let first = TraceIDRatioSampler(ratio: 0.3)
        let second = TraceIDRatioSampler(ratio: 0.3)
        for _ in 0..<1000 {
            let id = TraceID.random()
            #expect(decide(first, traceID: id).decision == decide(second, traceID: id).decision)
        }
        // The boundary case from the Go SDK's rule: the low half shifted right once is compared.
        let half = TraceIDRatioSampler(ratio: 0.5)
        #expect(half.samples(TraceID(high: 0, low: 0x7FFF_FFFF_FFFF_FFFF)))
        #expect(!half.samples(TraceID(high: 0, low: 0x8000_0000_0000_0000)))
        #expect(!TraceIDRatioSampler(ratio: 0).samples(TraceID(high: 0, low: 1)))
        #expect(TraceIDRatioSampler(ratio: 1).samples(TraceID(high: 0, low: .max)))
        #expect(half.description == "TraceIdRatioBased{0.5}")
    }

    @Test func parentBasedUsesTheDelegateForEachCombination() {
        let root = MarkedSampler("root", .recordAndSample)
        let remoteSampled = MarkedSampler("remoteSampled", .recordOnly)
        let remoteNot = MarkedSampler("remoteNotSampled", .drop)
        let localSampled = MarkedSampler("localSampled", .recordAndSample)
        let localNot = MarkedSampler("localNotSampled", .recordOnly)
        let sampler = ParentBasedSampler(
            root: root, remoteParentSampled: remoteSampled, remoteParentNotSampled: remoteNot,
            localParentSampled: localSampled, localParentNotSampled: localNot)
        func parent(remote: Bool, sampled: Bool) -> SpanContext {
            SpanContext(traceID: .random(), spanID: .random(), traceFlags: sampled ? .sampled : [], isRemote: remote)
        }
        let cases: [(SpanContext?, String)] = [
            (nil, "root"),
            (parent(remote: true, sampled: true), "remoteSampled"),
            (parent(remote: true, sampled: false), "remoteNotSampled"),
            (parent(remote: false, sampled: true), "localSampled"),
            (parent(remote: false, sampled: false), "localNotSampled"),
        ]
        for (parentContext, expected) in cases {
            #expect(decide(sampler, parent: parentContext).attributes["sampler"] == .string(expected))
        }
        for delegate in [root, remoteSampled, remoteNot, localSampled, localNot] {
            #expect(delegate.calls.load(ordering: .relaxed) == 1, "\(delegate.name)")
        }
    }

    @Test func defaultParentBasedDelegatesFollowTheParent() {
        let sampler = ParentBasedSampler(root: AlwaysOffSampler())
        let sampledParent = SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled, isRemote: true)
        let unsampledParent = SpanContext(traceID: .random(), spanID: .random(), traceFlags: [], isRemote: false)
        #expect(decide(sampler).decision == .drop)
        #expect(decide(sampler, parent: sampledParent).decision == .recordAndSample)
        #expect(decide(sampler, parent: unsampledParent).decision == .drop)
    }

    @Test func rateLimitingSamplerGrantsTheRatePerSecond() {
        let clock = Atomic<UInt64>(1_000_000_000)
        let sampler = RateLimitingSampler(tracesPerSecond: 5) { clock.load(ordering: .relaxed) }
        let first = (0..<20).filter { _ in decide(sampler).decision == .recordAndSample }.count
        #expect(first == 5)
        clock.add(200_000_000, ordering: .relaxed)  // 0.2 s refills one token
        #expect(decide(sampler).decision == .recordAndSample)
        #expect(decide(sampler).decision == .drop)
        clock.add(10_000_000_000, ordering: .relaxed)  // a long pause refills one second's worth only
        let afterPause = (0..<20).filter { _ in decide(sampler).decision == .recordAndSample }.count
        #expect(afterPause == 5)
    }

    @Test func environmentSelectsTheSampler() {
        let cases: [([String: String], String)] = [
            ([:], "ParentBased{root:AlwaysOnSampler"),
            (["OTEL_TRACES_SAMPLER": "always_off"], "AlwaysOffSampler"),
            (["OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"], "TraceIdRatioBased{0.25}"),
            (["OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "7"], "TraceIdRatioBased{1.0}"),
            (["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"],
             "ParentBased{root:TraceIdRatioBased{0.1}"),
            (["OTEL_TRACES_SAMPLER": "parentbased_always_off"], "ParentBased{root:AlwaysOffSampler"),
            (["OTEL_TRACES_SAMPLER": "ratelimiting", "OTEL_TRACES_SAMPLER_ARG": "100"], "RateLimitingSampler{100.0}"),
            (["OTEL_TRACES_SAMPLER": "nonsense"], "ParentBased{root:AlwaysOnSampler"),
        ]
        for (environment, prefix) in cases {
            let description = SamplerConfiguration.fromEnvironment(environment).description
            #expect(description.hasPrefix(prefix), "\(environment) gave \(description)")
        }
    }

    @Test func unsampledSpansCarryContextButAreNotExported() async throws {
        let pipeline = RecordingPipeline(sampler: AlwaysOffSampler())
        let span = pipeline.tracer.startSpan("dropped")
        #expect(!span.isRecording)
        #expect(span.context.isValid && !span.context.isSampled)
        span.setAttribute("ignored", 1)
        span.end()
        #expect(await pipeline.spans().isEmpty)
    }
}
