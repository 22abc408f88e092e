/// A handle on one operation of a trace.
///
/// A span is a small value: its `context` (which is propagated to other services) and, when the
/// sampler chose to record it, a reference to the recorded state. Copies refer to the same span.
/// Spans that are not recorded cost no allocation; every method on them does nothing.
///
/// End every span exactly once, or use `Tracer.withSpan`, which ends it for you.
public struct Span: Sendable {
    /// The ids, flags and trace state that identify the span.
    public let context: SpanContext
    @usableFromInline let recorder: SpanRecorder?

    @inlinable
    init(context: SpanContext, recorder: SpanRecorder?) {
        self.context = context
        self.recorder = recorder
    }

    /// A span that records nothing and only carries `context`, for example to make a remote
    /// parent current.
    public init(nonRecording context: SpanContext) {
        self.init(context: context, recorder: nil)
    }

    /// The span of the enclosing `withSpan` in this task (or, outside tasks, this thread).
    ///
    /// Child tasks and task groups inherit it; detached tasks do not.
    @TaskLocal public static var current: Span?

    /// Whether the span records what is set on it (it was sampled and has not ended).
    public var isRecording: Bool { recorder?.isRecording ?? false }

    /// Sets one attribute, replacing the value of an existing key.
    @inlinable
    public func setAttribute(_ key: String, _ value: AttributeValue) {
        recorder?.setAttribute(key, value)
    }

    /// Sets several attributes.
    public func setAttributes(_ attributes: SpanAttributes) {
        recorder?.update { data, limits in
            for (key, value) in attributes { data.record(key, value, limits: limits) }
        }
    }

    /// Adds an event; `timestamp` (nanoseconds since the Unix epoch) defaults to now.
    public func addEvent(_ name: String, attributes: SpanAttributes = [:], timestamp: UInt64? = nil) {
        guard let recorder else { return }
        let time = timestamp ?? SpanClock.nanoseconds()
        recorder.update { data, limits in
            data.record(SpanEvent(name, attributes: attributes, timestamp: time), limits: limits)
        }
    }

    /// Links this span to another one.
    public func addLink(_ context: SpanContext, attributes: SpanAttributes = [:]) {
        recorder?.update { data, limits in data.record(SpanLink(context, attributes: attributes), limits: limits) }
    }

    /// Links this span to `span`.
    public func addLink(to span: Span, attributes: SpanAttributes = [:]) {
        addLink(span.context, attributes: attributes)
    }

    /// Sets the status: `ok` is final, `error` may only be replaced by `ok`, `unset` is ignored.
    public func setStatus(_ status: SpanStatus) {
        recorder?.update { data, _ in
            switch (data.status, status) {
            case (_, .unset), (.ok, _): return
            default: data.status = status
            }
        }
    }

    /// Records `error` as an `exception` event (`exception.type`, `exception.message`).
    public func recordError(_ error: any Error, attributes: SpanAttributes = [:]) {
        guard recorder != nil else { return }
        var eventAttributes: SpanAttributes = [
            "exception.type": .string(String(reflecting: type(of: error))),
            "exception.message": .string(String(describing: error)),
        ]
        for (key, value) in attributes { eventAttributes[key] = value }
        addEvent("exception", attributes: eventAttributes)
    }

    /// Records `error` and sets the status to `error` with its description, as `withSpan` does
    /// when an error escapes its body.
    public func fail(with error: any Error) {
        recordError(error)
        setStatus(.error(description: String(describing: error)))
    }

    /// Renames the span.
    public func updateName(_ name: String) {
        recorder?.update { data, _ in data.name = name }
    }

    /// Ends the span now, or at `time` (nanoseconds since the Unix epoch), and hands it to the
    /// processors. Later calls do nothing.
    @inlinable
    public func end(at time: UInt64? = nil) {
        // Optional chaining borrows the recorder (`guard let` copied it: a retain and a
        // release per span); the clock is read only when there is one.
        recorder?.end(at: time ?? SpanClock.nanoseconds())
    }

    /// What has been recorded so far, or nil when the span is not recorded.
    public var recordedData: SpanData? { recorder?.snapshot }
}
