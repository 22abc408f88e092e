import Foundation
import GRDB

/// A stored span as the query API's JSON object, appended as bytes.
///
/// A trace page renders up to 10,000 spans, so this is the API's hot loop: columns are read
/// by position from a row selected with `RowJSON.spanColumns` (a lookup by name compares the
/// name with every column), text and the stored JSON columns are copied from SQLite's buffer
/// without becoming Swift strings, and everything goes into one byte buffer.
enum SpanJSON {
    /// Positions in `RowJSON.spanColumns`.
    private enum Column: Int {
        case id, traceID, spanID, parentSpanID, traceState, flags, service, name, kind
        case start, end, duration, statusCode, statusMessage, attributes, droppedAttributes
        case events, droppedEvents, links, droppedLinks, resource, scopeName, scopeVersion, scopeAttributes
    }

    /// The start time and span id of a row: the cursor of the page that ends with it.
    static func position(_ row: Row) -> (start: Int64, spanID: Data) {
        (row[Column.start.rawValue] as Int64? ?? 0, row[Column.spanID.rawValue] as Data? ?? Data())
    }

    /// Appends the span in `row` to `out`.
    static func append(_ row: Row, to out: inout [UInt8]) throws {
        // The writer holds the buffer for the call: swapped in and out, never copied.
        var writer = Writer(row: row, out: [])
        swap(&writer.out, &out)
        defer { swap(&writer.out, &out) }
        try writer.field("{\"traceId\":", hex: .traceID)
        try writer.field(",\"spanId\":", hex: .spanID)
        try writer.field(",\"parentSpanId\":", hex: .parentSpanID)
        try writer.field(",\"traceState\":", string: .traceState)
        writer.field(",\"flags\":", integer: .flags)
        try writer.field(",\"service\":", string: .service)
        try writer.field(",\"name\":", string: .name)
        writer.field(",\"kind\":", integer: .kind)
        writer.field(",\"startTimeUnixNano\":", quotedInteger: .start)
        writer.field(",\"endTimeUnixNano\":", quotedInteger: .end)
        writer.field(",\"durationNano\":", quotedInteger: .duration)
        writer.field(",\"status\":{\"code\":", integer: .statusCode)
        try writer.field(",\"message\":", string: .statusMessage)
        try writer.field("},\"attributes\":", json: .attributes, empty: "{}")
        writer.field(",\"droppedAttributesCount\":", integer: .droppedAttributes)
        try writer.field(",\"events\":", json: .events, empty: "[]")
        writer.field(",\"droppedEventsCount\":", integer: .droppedEvents)
        try writer.field(",\"links\":", json: .links, empty: "[]")
        writer.field(",\"droppedLinksCount\":", integer: .droppedLinks)
        try writer.field(",\"resource\":", json: .resource, empty: "{}")
        try writer.field(",\"scope\":{\"name\":", string: .scopeName)
        try writer.field(",\"version\":", string: .scopeVersion)
        try writer.field(",\"attributes\":", json: .scopeAttributes, empty: "{}")
        writer.out.append(contentsOf: "}}".utf8)
    }

    private struct Writer {
        private static let digits = Array("0123456789abcdef".utf8)
        let row: Row
        var out: [UInt8]

        mutating func field(_ name: StaticString, hex column: Column) throws {
            append(name)
            out.append(UInt8(ascii: "\""))
            try row.withUnsafeData(atIndex: column.rawValue) { data in
                for byte in data ?? Data() {
                    out.append(Self.digits[Int(byte >> 4)])
                    out.append(Self.digits[Int(byte & 0xf)])
                }
            }
            out.append(UInt8(ascii: "\""))
        }

        mutating func field(_ name: StaticString, string column: Column) throws {
            append(name)
            try row.withUnsafeData(atIndex: column.rawValue) { data in
                AttributeJSON.appendEscaped(data ?? Data(), to: &out)
            }
        }

        /// A column that holds JSON already (attributes, events, links).
        mutating func field(_ name: StaticString, json column: Column, empty: StaticString) throws {
            append(name)
            try row.withUnsafeData(atIndex: column.rawValue) { data in
                if let data, !data.isEmpty { out.append(contentsOf: data) } else { append(empty) }
            }
        }

        mutating func field(_ name: StaticString, integer column: Column) {
            append(name)
            out.append(contentsOf: String(row[column.rawValue] as Int64? ?? 0).utf8)
        }

        /// Nanosecond times go as strings: JavaScript numbers lose digits past 2⁵³.
        mutating func field(_ name: StaticString, quotedInteger column: Column) {
            append(name)
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: String(row[column.rawValue] as Int64? ?? 0).utf8)
            out.append(UInt8(ascii: "\""))
        }

        private mutating func append(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
    }
}
