import Foundation
import OTLP
@testable import TelemetryServer
import Testing

@Suite("Attribute JSON")
struct AttributeJSONTests {
    @Test func valuesAreEscapedNestedAndParseBack() throws {
        var nested = Opentelemetry_Proto_Common_V1_AnyValue()
        var list = Opentelemetry_Proto_Common_V1_ArrayValue()
        var one = Opentelemetry_Proto_Common_V1_AnyValue()
        one.intValue = 1
        var yes = Opentelemetry_Proto_Common_V1_AnyValue()
        yes.boolValue = true
        list.values = [one, yes]
        nested.arrayValue = list
        var tricky = Opentelemetry_Proto_Common_V1_AnyValue()
        tricky.stringValue = "quote \" backslash \\ newline \n tab \t bell \u{07} ü"
        var first = Opentelemetry_Proto_Common_V1_KeyValue()
        first.key = "k"
        first.value.stringValue = "overridden"
        var second = Opentelemetry_Proto_Common_V1_KeyValue()
        second.key = "text"
        second.value = tricky
        var third = Opentelemetry_Proto_Common_V1_KeyValue()
        third.key = "list"
        third.value = nested
        var last = Opentelemetry_Proto_Common_V1_KeyValue()
        last.key = "k"
        last.value.doubleValue = 2.5
        var json = AttributeJSON()
        let text = json.object([first, second, third, last])
        #expect(text.contains(#"\u0007"#))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["text"] as? String == tricky.stringValue)
        #expect(parsed["k"] as? Double == 2.5, "a repeated key keeps its last value")
        #expect((parsed["list"] as? [Any])?.count == 2)
        #expect(parsed.count == 3)
    }
}
