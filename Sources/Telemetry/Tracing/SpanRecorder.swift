import Synchronization

/// The mutable state behind a recording span: one object per sampled span, locked because a
/// span may be updated from several tasks, ended exactly once.
final class SpanRecorder: Sendable {
    private struct State {
        var data: SpanData
        var ended = false
    }

    private let state: Mutex<State>
    private let pipeline: TracerPipeline

    init(_ data: SpanData, pipeline: TracerPipeline) {
        state = Mutex(State(data: data))
        self.pipeline = pipeline
    }

    /// Whether `end` has not been called yet.
    var isRecording: Bool { state.withLock { !$0.ended } }

    /// A copy of what has been recorded so far.
    var snapshot: SpanData { state.withLock { $0.data } }

    /// Applies `change` unless the span has ended (changes after the end are ignored, as the
    /// specification requires).
    func update(_ change: (inout SpanData, SpanLimits) -> Void) {
        let limits = pipeline.limits
        state.withLock { state in
            guard !state.ended else { return }
            change(&state.data, limits)
        }
    }

    /// Ends the span at `time` and hands it to the processors; later calls do nothing.
    func end(at time: UInt64) {
        let finished: SpanData? = state.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            state.data.endTime = max(time, state.data.startTime)
            return state.data
        }
        guard let finished else { return }
        for processor in pipeline.processors { processor.onEnd(finished) }
    }
}
