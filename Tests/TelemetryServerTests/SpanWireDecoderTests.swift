import Foundation
import OTLP
import SwiftProtobuf
import Testing

@testable import TelemetryServer

/// The wire decoder gives exactly what SwiftProtobuf's decoding and `SpanConverter` give, and
/// leaves to them what it does not take.
@Suite("Span wire decoder")
struct SpanWireDecoderTests {
    typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue
    typealias AnyValue = Opentelemetry_Proto_Common_V1_AnyValue
    typealias Span = Opentelemetry_Proto_Trace_V1_Span

    /// A small deterministic generator (xorshift), so a failure can be reproduced.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    static let texts = ["", "a", "http.route", "GET /users/{id}", "ü€😀", "quote \" and \\ and \n", String(repeating: "x", count: 70),
                        "é" + String(repeating: "ß", count: 40), "\u{0}\u{1f}"]

    static func text(_ random: inout Generator) -> String { texts.randomElement(using: &random) ?? "" }

    static func value(_ random: inout Generator, depth: Int = 0) -> AnyValue {
        var value = AnyValue()
        switch Int.random(in: 0..<(depth < 3 ? 9 : 6), using: &random) {
        case 0: value.stringValue = text(&random)
        case 1: value.boolValue = Bool.random(using: &random)
        case 2: value.intValue = Int64.random(in: Int64.min...Int64.max, using: &random)
        case 3: value.doubleValue = [0.1, -2.5e300, .infinity, -.infinity, .nan, 1e-320, 42].randomElement(using: &random) ?? 0
        case 4: value.bytesValue = Data((0..<Int.random(in: 0..<80, using: &random)).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        case 5: break  // no value: null
        case 6, 7:
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = (0..<Int.random(in: 0..<4, using: &random)).map { _ in Self.value(&random, depth: depth + 1) }
            value.arrayValue = array
        default:
            var list = Opentelemetry_Proto_Common_V1_KeyValueList()
            list.values = attributes(&random, depth: depth + 1)
            value.kvlistValue = list
        }
        return value
    }

    static func attributes(_ random: inout Generator, depth: Int = 0) -> [KeyValue] {
        let keys = ["service.name", "k", "http.method", "long.key." + String(repeating: "k", count: 60), "k"]
        return (0..<Int.random(in: 0..<6, using: &random)).map { _ in
            var attribute = KeyValue()
            attribute.key = keys.randomElement(using: &random) ?? "k"
            if Int.random(in: 0..<8, using: &random) > 0 { attribute.value = value(&random, depth: depth) }
            return attribute
        }
    }

    static func id(_ count: Int, _ random: inout Generator) -> Data {
        switch Int.random(in: 0..<12, using: &random) {
        case 0: return Data()
        case 1: return Data(repeating: 0, count: count)
        case 2: return Data(repeating: 7, count: count + 1)
        default: return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
    }

    static func request(_ random: inout Generator) -> SpanConverter.Request {
        var request = SpanConverter.Request()
        request.resourceSpans = (0..<Int.random(in: 1..<3, using: &random)).map { _ in
            var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
            if Bool.random(using: &random) { resourceSpans.resource.attributes = attributes(&random) }
            resourceSpans.schemaURL = text(&random)
            resourceSpans.scopeSpans = (0..<Int.random(in: 0..<3, using: &random)).map { _ in
                var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
                if Bool.random(using: &random) {
                    scopeSpans.scope.name = text(&random)
                    scopeSpans.scope.version = text(&random)
                    scopeSpans.scope.attributes = attributes(&random)
                }
                scopeSpans.spans = (0..<Int.random(in: 0..<5, using: &random)).map { _ in span(&random) }
                return scopeSpans
            }
            return resourceSpans
        }
        return request
    }

    static func span(_ random: inout Generator) -> Span {
        var span = Span()
        span.traceID = id(16, &random)
        span.spanID = id(8, &random)
        if Bool.random(using: &random) { span.parentSpanID = id(8, &random) }
        span.traceState = text(&random)
        span.flags = UInt32.random(in: 0...0x3ff, using: &random)
        span.name = text(&random)
        span.kind = Span.SpanKind(rawValue: Int.random(in: 0...6, using: &random)) ?? .unspecified
        span.startTimeUnixNano = UInt64.random(in: 0...UInt64.max, using: &random)
        span.endTimeUnixNano = UInt64.random(in: 0...UInt64.max, using: &random)
        span.attributes = attributes(&random)
        span.droppedAttributesCount = UInt32.random(in: 0...3, using: &random)
        span.events = (0..<Int.random(in: 0..<3, using: &random)).map { _ in
            var event = Span.Event()
            event.timeUnixNano = UInt64.random(in: 0...UInt64.max, using: &random)
            event.name = text(&random)
            event.attributes = attributes(&random)
            event.droppedAttributesCount = UInt32.random(in: 0...2, using: &random)
            return event
        }
        span.links = (0..<Int.random(in: 0..<3, using: &random)).map { _ in
            var link = Span.Link()
            link.traceID = id(16, &random)
            link.spanID = id(8, &random)
            link.traceState = text(&random)
            link.attributes = attributes(&random)
            link.flags = UInt32.random(in: 0...0x3ff, using: &random)
            return link
        }
        if Bool.random(using: &random) {
            span.status.code = Opentelemetry_Proto_Trace_V1_Status.StatusCode(rawValue: Int.random(in: 0...3, using: &random)) ?? .unset
            span.status.message = text(&random)
        }
        return span
    }

    /// Both paths' results for `bytes`: the wire decoder's (nil when it does not take them)
    /// and SwiftProtobuf's with `SpanConverter` (nil when it does not decode strictly).
    static func both(_ bytes: [UInt8], maxValueBytes: Int) -> (wire: SpanConverter.Result?, message: SpanConverter.Result?) {
        let wire = SpanWireDecoder.convert(bytes, receivedAt: 9, maxValueBytes: maxValueBytes)
        let message = (try? SpanConverter.Request(serializedBytes: bytes)).map {
            SpanConverter.convert($0, receivedAt: 9, maxValueBytes: maxValueBytes)
        }
        return (wire, message)
    }

    static func same(_ a: SpanConverter.Result?, _ b: SpanConverter.Result?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.rows == b.rows && a.rejections == b.rejections && a.truncatedValues == b.truncatedValues
    }

    @Test(arguments: [16, 64, 65536])
    func generatedExportsGiveTheSameRowsAsSwiftProtobuf(maxValueBytes: Int) throws {
        var random = Generator(state: 0x9E37_79B9_7F4A_7C15 ^ UInt64(maxValueBytes))
        var taken = 0
        for round in 0..<400 {
            let bytes: [UInt8] = try Self.request(&random).serializedBytes()
            let (wire, message) = Self.both(bytes, maxValueBytes: maxValueBytes)
            let decoded = try #require(message, "round \(round): SwiftProtobuf decodes what it encoded")
            guard let wire else { continue }
            taken += 1
            #expect(Self.same(wire, decoded), "round \(round)")
            if !Self.same(wire, decoded) { break }
        }
        // Keys are ASCII and lists short: only a oneof or message given twice would be left out,
        // which SwiftProtobuf never writes.
        #expect(taken == 400)
    }

    /// `payload` as length-delimited field `number`.
    static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        Varint.append(UInt64(number << 3 | 2), to: &bytes)
        Varint.append(UInt64(payload.count), to: &bytes)
        return bytes + payload
    }

    /// An export of one span whose message is `span`.
    static func export(span: [UInt8]) -> [UInt8] {
        field(1, field(2, field(2, span)))
    }

    @Test func whatItDoesNotTakeIsLeftToSwiftProtobuf() throws {
        var span = Span()
        span.traceID = Data(repeating: 1, count: 16)
        span.spanID = Data(repeating: 2, count: 8)
        let named: [UInt8] = try span.serializedBytes()
        let valid = Self.export(span: named + Self.field(5, Array("ok".utf8)))
        #expect(SpanWireDecoder.convert(valid, receivedAt: 1, maxValueBytes: 64)?.rows.map(\.name) == ["ok"])
        #expect(SpanWireDecoder.convert([], receivedAt: 1, maxValueBytes: 64)?.rows.count == 0, "an empty export is valid")

        // A name that is not UTF-8: strict decoding fails too, and the lenient decoder decides.
        let invalid = Self.export(span: named + Self.field(5, [0xFF, 0x6B]))
        #expect(SpanWireDecoder.convert(invalid, receivedAt: 1, maxValueBytes: 64) == nil)
        #expect((try? SpanConverter.Request(serializedBytes: invalid)) == nil)
        // Truncated: not taken.
        #expect(SpanWireDecoder.convert(Array(valid.dropLast()), receivedAt: 1, maxValueBytes: 64) == nil)

        // A status given twice is merged by protobuf: left to it, which keeps both fields.
        var first = Opentelemetry_Proto_Trace_V1_Status()
        first.message = "first"
        var second = Opentelemetry_Proto_Trace_V1_Status()
        second.code = .error
        let twice = Self.export(span: named + Self.field(15, try first.serializedBytes()) + Self.field(15, try second.serializedBytes()))
        #expect(SpanWireDecoder.convert(twice, receivedAt: 1, maxValueBytes: 64) == nil)
        let merged = try SpanConverter.Request(serializedBytes: twice).resourceSpans[0].scopeSpans[0].spans[0].status
        #expect(merged.message == "first" && merged.code == .error)

        // A value with two members of its oneof, and a key that is not ASCII: left alone too.
        let twoValues = Self.field(1, Array("k".utf8)) + Self.field(2, Self.field(1, Array("a".utf8)) + [0x10, 0x01])
        #expect(SpanWireDecoder.convert(Self.export(span: named + Self.field(9, twoValues)), receivedAt: 1, maxValueBytes: 64) == nil)
        let unicodeKey = Self.field(1, Array("ключ".utf8)) + Self.field(2, Self.field(1, Array("a".utf8)))
        #expect(SpanWireDecoder.convert(Self.export(span: named + Self.field(9, unicodeKey)), receivedAt: 1, maxValueBytes: 64) == nil)
        #expect(try SpanConverter.Request(serializedBytes: Self.export(span: named + Self.field(9, unicodeKey))).resourceSpans.count == 1)
    }

    /// Found by `FuzzOTLPProtobuf`: a key given twice in one `KeyValue`, the first not UTF-8.
    /// The last key wins, but protobuf refuses the export for the first; the wire decoder took
    /// it (it checked only the key it kept).
    @Test func everyOccurrenceOfAKeyIsChecked() {
        let bytes: [UInt8] = [
            0x0a, 0xe4, 0x01, 0x0a, 0x18, 0x0a, 0x16, 0x0a, 0x0e, 0x73, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65,
            0x2e, 0x6e, 0x61, 0x6d, 0x65, 0x12, 0x86, 0x0a, 0x04, 0x66, 0x75, 0x7a, 0x7a, 0x12, 0xc7, 0x01,
            0x0a, 0x07, 0x0a, 0x05, 0x73, 0x63, 0x6f, 0x70, 0x65, 0x12, 0xbb, 0x01, 0x0a, 0x10, 0x01, 0x02,
            0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x12, 0x08,
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x2a, 0x02, 0x6f, 0x70, 0x30, 0x02, 0x39, 0x00,
            0x00, 0x2a, 0x36, 0xfe, 0x9c, 0x97, 0x17, 0x41, 0x00, 0x65, 0xf7, 0x53, 0xfe, 0x9c, 0x97, 0x17,
            0x4a, 0x0b, 0x0a, 0x01, 0x73, 0x12, 0x06, 0x0a, 0x04, 0x74, 0x65, 0x78, 0x74, 0x4a, 0x07, 0x0a,
            0x01, 0x69, 0x12, 0x02, 0x18, 0x07, 0x4a, 0x0e, 0x0a, 0x01, 0x64, 0x12, 0x09, 0x21, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x04, 0x40, 0x4a, 0x07, 0x0a, 0x01, 0x62, 0x12, 0x02, 0x10, 0x01, 0x4a,
            0x22, 0x0a, 0x04, 0x6c, 0x69, 0x73, 0x74, 0x12, 0x1a, 0x2a, 0x18, 0x0a, 0x03, 0x0a, 0x01, 0x61,
            0x0a, 0x11, 0x32, 0x0f, 0x0a, 0x0d, 0x0a, 0x05, 0x69, 0x6e, 0x6e, 0x65, 0x72, 0x12, 0x04, 0x3a,
            0x02, 0x00, 0x01, 0x5a, 0x10, 0x09, 0x00, 0xe1, 0x1f, 0x3c, 0xfe, 0x9c, 0x97, 0x17, 0x12, 0x05,
            0x65, 0x76, 0x65, 0x6e, 0x74, 0x6a, 0x1c, 0x0a, 0x1a, 0x00, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
            0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0f, 0x0e, 0x10, 0x11, 0x12, 0x08, 0x02, 0x03, 0x04, 0x05, 0x06,
            0x07, 0x08, 0x09, 0x7a, 0x02, 0x18, 0x02,
        ]
        #expect((try? SpanConverter.Request(serializedBytes: bytes)) == nil)
        #expect(SpanWireDecoder.convert(bytes, receivedAt: 1, maxValueBytes: 64) == nil)
    }

    /// Found by `FuzzOTLPProtobuf`: SwiftProtobuf refuses a tag written in six bytes (an
    /// unknown field's, here), though it takes the same tag in five.
    @Test func aTagLongerThanFiveBytesIsLeftAlone() {
        let sixBytes: [UInt8] = [0x28, 0x81, 0xff, 0x16, 0x80, 0x80, 0xe9, 0x81, 0x80, 0x00, 0x13]
        #expect((try? SpanConverter.Request(serializedBytes: sixBytes)) == nil)
        #expect(SpanWireDecoder.convert(sixBytes, receivedAt: 1, maxValueBytes: 64) == nil)
        let fiveBytes: [UInt8] = [0x80, 0x80, 0xe9, 0x81, 0x00, 0x13]
        #expect((try? SpanConverter.Request(serializedBytes: fiveBytes)) != nil)
        #expect(SpanWireDecoder.convert(fiveBytes, receivedAt: 1, maxValueBytes: 64)?.rows.isEmpty == true)
    }
}
