import Testing

@testable import Telemetry

/// The pool of recorders waiting for new spans: handed out oldest batch first, bounded, and
/// noting where each recorder's attribute storage is so that the thread taking the one before
/// it can fetch its lines ahead.
@Suite("Spare recorders")
struct SpareRecordersTests {
    /// Recorders of one pipeline (each holds the pipeline).
    private static func recorders(_ count: Int) -> [SpanRecorder] {
        let provider = TracerProvider(sampler: AlwaysOnSampler(), processors: [])
        return (0..<count).map { _ in SpanRecorder(pipeline: provider.pipeline) }
    }

    /// Starts a span with `attributes` in `recorder`.
    private static func begin(_ recorder: SpanRecorder, attributes: SpanAttributes) {
        recorder.begin(
            "span", context: SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled), parent: nil,
            kind: .internal, startTime: 1, attributes: attributes, samplerAttributes: [:], links: [],
            scope: InstrumentationScope(name: "test"))
    }

    @Test func theOldestBatchGoesFirstAndAtMostTheLimitIsKept() {
        let made = Self.recorders(5)
        var spares = SpareRecorders()
        spares.keep(SpareRecorders.Entry.batch([made[0], made[1]]), upTo: 4)
        spares.keep(SpareRecorders.Entry.batch([made[2]]), upTo: 4)
        spares.keep(SpareRecorders.Entry.batch([made[3], made[4]]), upTo: 4)
        #expect(spares.count == 4, "the last batch is cut to the room left")
        var taken: [SpanRecorder] = []
        while let recorder = spares.take() { taken.append(recorder) }
        #expect(taken.map(ObjectIdentifier.init) == [made[1], made[0], made[2], made[3]].map(ObjectIdentifier.init))
        #expect(spares.count == 0)
    }

    @Test func eachEntryLocatesTheRecorderHandedOutAfterIt() {
        let made = Self.recorders(3)
        let entries = SpareRecorders.Entry.batch(made)
        // Handed out from the end: the entry of made[2] points at made[1], made[1]'s at made[0].
        #expect(entries.map { ObjectIdentifier($0.recorder) } == made.map(ObjectIdentifier.init))
        #expect(entries[2].next == made[1].location && entries[1].next == made[0].location)
        #expect(entries[0].next == SpanRecorder.Location(), "nothing is handed out after the last")
        #expect(made[1].location.object == UInt(bitPattern: Unmanaged.passUnretained(made[1]).toOpaque()))
    }

    @Test func theLocatedStorageIsWhereTheNextSpanWritesItsAttributes() {
        let made = Self.recorders(2)
        let used = made[0]
        Self.begin(used, attributes: ["a": 1, "b": 2, "c": 3])
        used.end(at: 2)
        #expect(used.clear())
        let located = used.location.attributeStorage
        #expect(located != 0, "a cleared recorder keeps its attribute storage")

        // The next span in it writes its attributes into that storage.
        Self.begin(used, attributes: ["x": 1])
        used.setAttribute("y", 2)
        used.setAttribute("z", 3)
        #expect(used.location.attributeStorage == located)
        #expect(used.snapshot.attributes.map(\.key) == ["x", "y", "z"])

        // A recorder that never held an attribute has no storage to fetch.
        #expect(made[1].location.attributeStorage == 0)
    }
}
