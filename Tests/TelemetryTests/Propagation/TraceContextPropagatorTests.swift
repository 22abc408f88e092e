@testable import Telemetry
import Testing

@Suite("W3C trace context")
struct TraceContextPropagatorTests {
    let propagator = TraceContextPropagator()

    static let valid: [(header: String, trace: String, span: String, sampled: Bool)] = [
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", false),
        // A future version may append fields after a dash; they are ignored.
        ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds",
         "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true),
        ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true),
    ]

    static let invalid: [String] = [
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  // no flags
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 with extra fields
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01extra",  // extra without a dash
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",  // uppercase span id
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // all-zero span id
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // trace id too short
        "00-4bf92f3577b34da6a3ce929d0e0e47367-00f067aa0ba902b7-01",  // trace id too long
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",  // span id too short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",  // flags too short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",  // flags not hex
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // wrong delimiter
        "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version not hex
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",  // trailing space (version 00)
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",  // non-hex in trace id
    ]

    @Test(arguments: valid.indices)
    func validHeadersAreExtracted(index: Int) throws {
        let vector = Self.valid[index]
        let context = try #require(propagator.extract(headers: ["traceparent": vector.header]).spanContext)
        #expect(context.traceID.hex == vector.trace)
        #expect(context.spanID.hex == vector.span)
        #expect(context.isSampled == vector.sampled)
        #expect(context.isRemote)
    }

    @Test(arguments: invalid)
    func invalidHeadersAreIgnored(header: String) {
        #expect(propagator.extract(headers: ["traceparent": header, "tracestate": "a=1"]).spanContext == nil)
    }

    @Test func headerNamesMatchCaseInsensitively() {
        let headers = ["TraceParent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "TRACESTATE": "a=1"]
        let context = propagator.extract(headers: headers).spanContext
        #expect(context?.traceState.value(forKey: "a") == "1")
    }

    @Test func theExactNameWinsOverOneThatDiffersInCase() {
        let extractor = DictionaryExtractor()
        let small = ["Tracestate": "folded=1", "tracestate": "exact=1", "other": "x"]
        #expect(extractor.extract(key: "tracestate", from: small) == "exact=1")
        #expect(extractor.extract(key: "other", from: small) == "x")
        #expect(extractor.extract(key: "baggage", from: small) == nil)
        // Past the scanned size the dictionary is hashed into, with the same answers.
        var large = small
        for index in 0..<DictionaryExtractor.scannedCarrierSize { large["x-header-\(index)"] = "\(index)" }
        #expect(extractor.extract(key: "tracestate", from: large) == "exact=1")
        #expect(extractor.extract(key: "x-header-3", from: large) == "3")
        #expect(extractor.extract(key: "baggage", from: large) == nil)
        large["tracestate"] = nil
        large["TRACEPARENT"] = "p"
        #expect(extractor.extract(key: "tracestate", from: large) == "folded=1")
        #expect(extractor.extract(key: "traceparent", from: large) == "p")
    }

    @Test func injectWritesLowercaseHeadersThatExtractBack() throws {
        let state = try #require(TraceState(header: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"))
        let original = SpanContext(
            traceID: TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C), spanID: SpanID(0xB7AD_6B71_6920_3331),
            traceFlags: .sampled, traceState: state)
        let headers = propagator.headers(for: PropagationContext(spanContext: original))
        #expect(headers["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        #expect(headers["tracestate"] == "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
        let back = try #require(propagator.extract(headers: headers).spanContext)
        #expect(back.traceID == original.traceID && back.spanID == original.spanID && back.traceState == state)
    }

    @Test func nothingIsInjectedWithoutAValidSpan() {
        #expect(propagator.headers(for: PropagationContext()).isEmpty)
        let invalid = SpanContext(traceID: .invalid, spanID: SpanID(1))
        #expect(propagator.headers(for: PropagationContext(spanContext: invalid)).isEmpty)
    }

    @Test func invalidTraceStateIsDroppedButTraceParentKept() throws {
        let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        for state in ["Foo=1", "a=1,a=2", "a=1,b", "a=1=2", "a==1", "a=\u{7F}", "1a=1", (0..<33).map { "k\($0)=v" }.joined(separator: ",")] {
            let context = try #require(propagator.extract(headers: ["traceparent": parent, "tracestate": state]).spanContext)
            #expect(context.traceState.isEmpty, "\(state)")
        }
    }
}

@Suite("Trace state")
struct TraceStateTests {
    @Test func parsingAllowsEmptyMembersSpacesAndTenantKeys() throws {
        let state = try #require(TraceState(header: " a=1 ,, tenant@system=x-y , b_c/d*e-f=2\t"))
        #expect(state.members.map(\.key) == ["a", "tenant@system", "b_c/d*e-f"])
        #expect(state.value(forKey: "tenant@system") == "x-y")
        #expect(state.header == "a=1,tenant@system=x-y,b_c/d*e-f=2")
    }

    @Test func thirtyTwoMembersAreAllowedNotThirtyThree() {
        let members = (0..<33).map { "k\($0)=v" }
        #expect(TraceState(header: members.prefix(32).joined(separator: ","))?.members.count == 32)
        #expect(TraceState(header: members.joined(separator: ",")) == nil)
    }

    @Test func settingMovesTheKeyToTheFrontAndValidates() throws {
        let state = try #require(TraceState(header: "a=1,b=2"))
        #expect(state.setting("b", to: "3")?.header == "b=3,a=1")
        #expect(state.setting("Upper", to: "1") == nil)
        #expect(state.setting("a", to: "has,comma") == nil)
        #expect(state.removing("a").header == "b=2")
    }
}

@Suite("W3C baggage")
struct BaggagePropagatorTests {
    let propagator = BaggagePropagator()

    @Test func membersPropertiesAndPercentEncodingAreExtracted() {
        let header = "key1=value1;property1;property2, key2 = value2 ,key3=va%20l%2C3,bad key=x,novalue,key4=%E2%9C%93"
        let baggage = propagator.extract(headers: ["baggage": header]).baggage
        #expect(baggage["key1"] == "value1")
        #expect(baggage.entries.first?.metadata == "property1;property2")
        #expect(baggage["key2"] == "value2")
        #expect(baggage["key3"] == "va l,3")
        #expect(baggage["key4"] == "✓")
        #expect(baggage.entries.map(\.key) == ["key1", "key2", "key3", "key4"])
    }

    @Test func injectPercentEncodesAndRoundTrips() throws {
        var baggage = Baggage()
        baggage = try #require(baggage.setting("user", to: "ada lovelace"))
        baggage = try #require(baggage.setting("region", to: "eu,west;1", metadata: "ttl=5"))
        let headers = propagator.headers(for: PropagationContext(baggage: baggage))
        #expect(headers["baggage"] == "user=ada%20lovelace,region=eu%2Cwest%3B1;ttl=5")
        #expect(propagator.extract(headers: headers).baggage == baggage)
    }

    @Test func compositeCarriesSpanAndBaggageTogether() async throws {
        let pipeline = RecordingPipeline()
        let baggage = try #require(Baggage().setting("tenant", to: "acme"))
        let headers = Baggage.$current.withValue(baggage) {
            pipeline.tracer.withSpan("client", kind: .client) { _ in CompositePropagator.w3c.headers() }
        }
        #expect(headers["baggage"] == "tenant=acme")
        let extracted = CompositePropagator.w3c.extract(headers: headers)
        #expect(extracted.baggage["tenant"] == "acme")
        let client = try #require(await pipeline.spans()["client"])
        #expect(extracted.spanContext?.spanID == client.context.spanID)
    }

    @Test func otelPropagatorsSelectsPropagators() {
        #expect(CompositePropagator.fromEnvironment([:]).fields == ["traceparent", "tracestate", "baggage"])
        #expect(CompositePropagator.fromEnvironment(["OTEL_PROPAGATORS": "baggage"]).fields == ["baggage"])
        #expect(CompositePropagator.fromEnvironment(["OTEL_PROPAGATORS": "none"]).fields.isEmpty)
    }
}
