import Foundation
import Telemetry
import Testing

@Suite("Span context: tasks, task groups, detached tasks, threads")
struct ContextTests {
    @Test func asyncChildrenAndTaskGroupsInheritTheCurrentSpan() async throws {
        let pipeline = RecordingPipeline()
        let tracer = pipeline.tracer
        #expect(Span.current == nil)
        let outerID = await tracer.withSpan("outer") { outer in
            #expect(Span.current?.context == outer.context)
            await tracer.withSpan("inner") { inner in
                #expect(Span.current?.context == inner.context)
                try? await Task.sleep(for: .milliseconds(1))
            }
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        #expect(Span.current?.context == outer.context)
                        tracer.startSpan("group-\(index)").end()
                    }
                }
            }
            let child = Task { tracer.startSpan("child-task") }
            await child.value.end()
            #expect(Span.current?.context == outer.context)
            return outer.context.spanID
        }
        #expect(Span.current == nil)
        let spans = await pipeline.spans()
        let outer = try #require(spans["outer"])
        #expect(outer.parentSpanID == nil)
        for name in ["inner", "group-0", "group-1", "group-2", "group-3", "child-task"] {
            let span = try #require(spans[name], "\(name) was not exported")
            #expect(span.parentSpanID == outerID, "\(name)")
            #expect(span.context.traceID == outer.context.traceID, "\(name)")
        }
    }

    @Test func detachedTasksDoNotInherit() async throws {
        let pipeline = RecordingPipeline()
        let tracer = pipeline.tracer
        let outerTrace = await tracer.withSpan("outer") { outer in
            let detached = Task.detached { () -> Bool in
                let span = tracer.startSpan("detached")
                span.end()
                return Span.current == nil
            }
            #expect(await detached.value)
            return outer.context.traceID
        }
        let detached = try #require(await pipeline.spans()["detached"])
        #expect(detached.parentSpanID == nil)
        #expect(detached.context.traceID != outerTrace)
    }

    @Test func plainThreadsHaveTheirOwnCurrentSpan() async throws {
        let pipeline = RecordingPipeline()
        let tracer = pipeline.tracer
        let done = DispatchSemaphore(value: 0)
        let observations = ObservationBox()
        let thread = Thread {
            tracer.withSpan("thread-outer") { outer in
                observations.set("sees-own", Span.current?.context == outer.context)
                tracer.withSpan("thread-inner") { _ in }
                // A thread started inside does not inherit the span.
                let nested = DispatchSemaphore(value: 0)
                let inner = Thread {
                    observations.set("nested-thread-empty", Span.current == nil)
                    nested.signal()
                }
                inner.start()
                nested.wait()
            }
            observations.set("cleared-after", Span.current == nil)
            done.signal()
        }
        thread.start()
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                done.wait()
                continuation.resume()
            }
        }
        #expect(observations.get("sees-own") == true)
        #expect(observations.get("nested-thread-empty") == true)
        #expect(observations.get("cleared-after") == true)
        let spans = await pipeline.spans()
        let outer = try #require(spans["thread-outer"])
        #expect(spans["thread-inner"]?.parentSpanID == outer.context.spanID)
        #expect(Span.current == nil)
    }

    @Test func anEscapingErrorSetsErrorStatusAndIsRethrown() async throws {
        let pipeline = RecordingPipeline()
        #expect(throws: TestFailure.self) {
            try pipeline.tracer.withSpan("sync-fails") { _ in throw TestFailure(description: "disk full") }
        }
        await #expect(throws: TestFailure.self) {
            try await pipeline.tracer.withSpan("async-fails") { _ in
                try await Task.sleep(for: .milliseconds(1))
                throw TestFailure(description: "timeout talking to db")
            }
        }
        let spans = await pipeline.spans()
        #expect(spans["sync-fails"]?.status == .error(description: "disk full"))
        #expect(spans["async-fails"]?.status == .error(description: "timeout talking to db"))
        let event = try #require(spans["sync-fails"]?.events.first)
        #expect(event.name == "exception")
        #expect(event.attributes["exception.message"] == "disk full")
        #expect(event.attributes["exception.type"]?.text.hasSuffix("TestFailure") == true)
    }

    @Test func tracedFunctionsRunInASpan() async throws {
        let pipeline = RecordingPipeline()
        let double = pipeline.tracer.traced("double") { (value: Int) -> Int in
            #expect(Span.current != nil)
            return value * 2
        }
        let fetch = pipeline.tracer.traced("fetch") { (value: Int) async throws -> Int in
            try await Task.sleep(for: .milliseconds(1))
            return value + 1
        }
        #expect(try double(21) == 42)
        #expect(try await fetch(1) == 2)
        let spans = await pipeline.spans()
        #expect(spans["double"] != nil)
        #expect(try #require(spans["fetch"]).duration >= 1_000_000)
    }

    @Test func anExplicitNilParentStartsANewTrace() async {
        let pipeline = RecordingPipeline()
        pipeline.tracer.withSpan("outer") { outer in
            let root = pipeline.tracer.startSpan("root", parent: nil)
            #expect(root.context.traceID != outer.context.traceID)
            root.end()
        }
    }
}

/// Observations made on other threads, read by the test afterwards.
final class ObservationBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Bool] = [:]

    func set(_ key: String, _ value: Bool) { lock.withLock { values[key] = value } }
    func get(_ key: String) -> Bool? { lock.withLock { values[key] } }
}
