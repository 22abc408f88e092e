import PromQL
import Testing

@Suite("Series descriptions (promtool's input_series notation)")
struct SeriesDescriptionTests {
    private func values(_ text: String) throws -> [String] {
        try SeriesDescription.parse(text).values.map { value in
            guard let value else { return "_" }
            return Sample.isStaleMarker(value) ? "stale" : GoQuote.formatFloat(value)
        }
    }

    @Test func expandingNotation() throws {
        #expect(try values("up 1+2x3") == ["1", "3", "5", "7"])
        #expect(try values("up -5-1x3") == ["-5", "-6", "-7", "-8"])
        #expect(try values("up 4x2 _ stale _x2 9") == ["4", "4", "4", "_", "stale", "_", "_", "9"])
        #expect(try values("up 1e3+1e-1x1 Inf -Inf") == ["1000", "1000.1", "+Inf", "-Inf"])
        #expect(try values("up 0.5 1.5") == ["0.5", "1.5"])
    }

    @Test func selectorsGiveTheLabels() throws {
        let series = try SeriesDescription.parse(#"http_requests{job="api", path="/a b}"} 1 2"#)
        #expect(series.labels == Labels([("__name__", "http_requests"), ("job", "api"), ("path", "/a b}")]))
        #expect(series.values.count == 2)
        #expect(try SeriesDescription.parse(#"{__name__="x", a="1"} _x2"#).labels == Labels([("__name__", "x"), ("a", "1")]))
    }

    @Test func badDescriptionsNameTheText() {
        #expect(throws: SeriesDescription.Invalid(description: #"invalid value "1+2": want x and a count"#)) {
            _ = try SeriesDescription.parse("up 1+2")
        }
        #expect(throws: SeriesDescription.Invalid(description: #"invalid value "abc""#)) { _ = try SeriesDescription.parse("up abc") }
        #expect(throws: SeriesDescription.Invalid.self) { _ = try SeriesDescription.parse(#"up{a=~"b"} 1"#) }
    }
}
