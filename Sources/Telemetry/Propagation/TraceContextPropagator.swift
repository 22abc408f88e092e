/// The W3C Trace Context propagator: `traceparent` and `tracestate`.
///
/// Extraction follows the specification: version `ff` is invalid; version `00` must be exactly
/// 55 characters; a higher version may be longer if the next character is `-` (its extra fields
/// are ignored); hex must be lowercase; all-zero ids are invalid. An invalid `traceparent`
/// extracts nothing; an invalid `tracestate` is dropped while the `traceparent` is kept.
public struct TraceContextPropagator: TextMapPropagator {
    // Literals, not `static let`s: a stored global costs a lazy-initialisation check and a
    // retain at every use.
    @usableFromInline static var traceparent: String { "traceparent" }
    @usableFromInline static var tracestate: String { "tracestate" }

    /// Creates the propagator.
    public init() {}

    public var fields: [String] { [Self.traceparent, Self.tracestate] }

    // `inject` and `extract` are inlinable so that they are specialised for the caller's
    // carrier: called across the module boundary as generic code, every header read and write
    // went through witness tables with the carrier passed indirectly.
    @inlinable
    public func inject<Injector: TextMapInjector>(
        _ context: PropagationContext, into carrier: inout Injector.Carrier, using injector: Injector
    ) {
        guard let span = context.spanContext, span.isValid else { return }
        injector.inject(Self.header(for: span), forKey: Self.traceparent, into: &carrier)
        if !span.traceState.isEmpty {
            injector.inject(span.traceState.header, forKey: Self.tracestate, into: &carrier)
        }
    }

    @inlinable
    public func extract<Extractor: TextMapExtractor>(
        from carrier: Extractor.Carrier, using extractor: Extractor, into context: inout PropagationContext
    ) {
        guard let header = extractor.extract(key: Self.traceparent, from: carrier),
            let (traceID, spanID, flags) = Self.parse(traceparent: header)
        else { return }
        let state = extractor.extract(key: Self.tracestate, from: carrier).flatMap { TraceState(header: $0) }
        context.spanContext = SpanContext(
            traceID: traceID, spanID: spanID, traceFlags: flags, traceState: state ?? TraceState(), isRemote: true)
    }

    /// `00-<trace id>-<span id>-<flags>` for `context`.
    public static func header(for context: SpanContext) -> String {
        String(unsafeUninitializedCapacity: 55) { buffer in
            buffer[0] = UInt8(ascii: "0")
            buffer[1] = UInt8(ascii: "0")
            buffer[2] = UInt8(ascii: "-")
            HexDigits.write16(context.traceID.high, into: buffer, at: 3)
            HexDigits.write16(context.traceID.low, into: buffer, at: 19)
            buffer[35] = UInt8(ascii: "-")
            HexDigits.write16(context.spanID.value, into: buffer, at: 36)
            buffer[52] = UInt8(ascii: "-")
            let flags = UInt64(context.traceFlags.rawValue)
            buffer[53] = HexDigits.character(flags >> 4)
            buffer[54] = HexDigits.character(flags)
            return 55
        }
    }

    /// The ids and flags of a valid `traceparent`, or nil.
    public static func parse(traceparent header: String) -> (TraceID, SpanID, TraceFlags)? {
        // A native string is read in place (`withUTF8` needs a mutable copy: a retain and a
        // release); only a bridged one is copied.
        if let parsed = header.utf8.withContiguousStorageIfAvailable({ parse(traceparentBytes: $0) }) {
            return parsed
        }
        var copy = header
        return copy.withUTF8 { parse(traceparentBytes: $0) }
    }

    private static func parse(traceparentBytes bytes: UnsafeBufferPointer<UInt8>) -> (TraceID, SpanID, TraceFlags)? {
        guard bytes.count >= 55,
            bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
            let version = HexDigits.byte(bytes[0], bytes[1]), version != 0xFF
        else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55, bytes[55] != UInt8(ascii: "-") {
            return nil
        }
        guard let high = HexDigits.parse16(bytes, at: 3), let low = HexDigits.parse16(bytes, at: 19),
            let span = HexDigits.parse16(bytes, at: 36), let flags = HexDigits.byte(bytes[53], bytes[54])
        else { return nil }
        let traceID = TraceID(high: high, low: low)
        let spanID = SpanID(span)
        guard traceID.isValid, spanID.isValid else { return nil }
        // Version 00 defines only the sampled bit; other bits are passed on as received.
        return (traceID, spanID, TraceFlags(rawValue: flags))
    }
}
