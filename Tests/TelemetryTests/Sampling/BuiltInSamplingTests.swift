import Foundation
import Synchronization
import Testing

@testable import Telemetry

/// The shortcut for the built-in samplers decides exactly as the samplers themselves, for root
/// spans and every kind of parent, and is not taken for samplers that must be asked.
@Suite("Built-in sampling shortcut")
struct BuiltInSamplingTests {
    private static let parents: [SpanContext?] = [
        nil,
        SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled, isRemote: true),
        SpanContext(traceID: .random(), spanID: .random(), traceFlags: [], isRemote: true),
        SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled),
        SpanContext(traceID: .random(), spanID: .random(), traceFlags: []),
    ]

    @Test(arguments: [
        AlwaysOnSampler() as any Sampler, AlwaysOffSampler(), ParentBasedSampler(root: AlwaysOnSampler()),
        ParentBasedSampler(root: AlwaysOffSampler()),
    ])
    func decidesAsTheSamplerDoes(sampler: any Sampler) throws {
        let shortcut = try #require(BuiltInSampling(sampler), "\(sampler) has a shortcut")
        for parent in Self.parents {
            let traceID = parent?.traceID ?? .random()
            let asked = sampler.shouldSample(
                parentContext: parent, traceID: traceID, name: "s", kind: .internal, attributes: [:], links: [])
            #expect(shortcut.decision(parent: parent) == asked.decision, "\(sampler), parent \(String(describing: parent))")
            #expect(asked.attributes.isEmpty && asked.traceState == nil)
        }
    }

    @Test func samplersThatMustBeAskedHaveNoShortcut() {
        #expect(BuiltInSampling(TraceIDRatioSampler(ratio: 0.5)) == nil)
        #expect(BuiltInSampling(RateLimitingSampler(tracesPerSecond: 10)) == nil)
        #expect(BuiltInSampling(ParentBasedSampler(root: TraceIDRatioSampler(ratio: 0.5))) == nil)
        #expect(BuiltInSampling(ParentBasedSampler(root: AlwaysOnSampler(), remoteParentNotSampled: AlwaysOnSampler())) == nil)
        #expect(BuiltInSampling(ParentBasedSampler(root: AlwaysOnSampler(), localParentSampled: AlwaysOffSampler())) == nil)
    }

    @Test func newTraceIdsAreValidAndDistinct() {
        var traces = Set<TraceID>()
        var spans = Set<SpanID>()
        for _ in 0..<10_000 {
            let (traceID, spanID) = RandomIDSource.newTrace()
            #expect(traceID.isValid && spanID.isValid)
            traces.insert(traceID)
            spans.insert(spanID)
        }
        #expect(traces.count == 10_000 && spans.count == 10_000)
    }

    @Test func eachThreadDrawsItsOwnIds() async {
        // Every thread has its own generator, seeded on its first id: four threads drawing at
        // once must not repeat one another's ids.
        let drawn = Mutex<[UInt64]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let remaining = Atomic<Int>(4)
            for _ in 0..<4 {
                Thread {
                    let ids = (0..<5_000).map { _ in RandomIDSource.newTrace().1.value }
                    drawn.withLock { $0 += ids }
                    if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { done.resume() }
                }.start()
            }
        }
        let ids = drawn.withLock { $0 }
        #expect(ids.count == 20_000 && Set(ids).count == 20_000)
    }
}
