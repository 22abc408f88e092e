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

    /// Every ASCII character, with escapes first, last and side by side (the escaper copies the
    /// runs between them whole), through both the in-place and the byte-by-byte path.
    @Test func everyCharacterRoundTripsThroughEitherPath() throws {
        let ascii = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self)
        let texts = [ascii, "\n" + ascii + "\"", "\"\\\u{01}", "plain", "", "ü → 😀 \u{1F}end"]
        for text in texts {
            var inPlace: [UInt8] = []
            AttributeJSON.appendEscaped(text.utf8, to: &inPlace)
            var byteByByte: [UInt8] = []
            AttributeJSON.appendEscaped(AnySequence(text.utf8), to: &byteByByte)
            #expect(inPlace == byteByByte)
            let parsed = try JSONSerialization.jsonObject(with: Data(inPlace), options: .fragmentsAllowed) as? String
            #expect(parsed == text)
            #expect(!inPlace.dropFirst().dropLast().contains(where: { $0 < 0x20 }), "no raw control byte is left")
        }
    }
}
