/// The W3C Baggage propagator: the `baggage` header.
///
/// Values are percent-encoded UTF-8. When extracting, a malformed member is skipped and the
/// others are kept; when injecting, members past 180 or past 8192 bytes in all are left out, the
/// limits W3C Baggage sets.
public struct BaggagePropagator: TextMapPropagator {
    static let field = "baggage"
    static let maximumMembers = 180
    static let maximumBytes = 8192

    /// Creates the propagator.
    public init() {}

    public var fields: [String] { [Self.field] }

    public func inject<Injector: TextMapInjector>(
        _ context: PropagationContext, into carrier: inout Injector.Carrier, using injector: Injector
    ) {
        var header = ""
        var members = 0
        for entry in context.baggage.entries {
            var member = entry.key + "=" + PercentEncoding.encode(entry.value, keeping: Self.isBaggageOctet)
            if !entry.metadata.isEmpty { member += ";" + entry.metadata }
            let added = header.isEmpty ? member.utf8.count : member.utf8.count + 1
            guard members < Self.maximumMembers, header.utf8.count + added <= Self.maximumBytes else { continue }
            header += header.isEmpty ? member : "," + member
            members += 1
        }
        if !header.isEmpty { injector.inject(header, forKey: Self.field, into: &carrier) }
    }

    public func extract<Extractor: TextMapExtractor>(
        from carrier: Extractor.Carrier, using extractor: Extractor, into context: inout PropagationContext
    ) {
        guard let header = extractor.extract(key: Self.field, from: carrier), header.utf8.count <= Self.maximumBytes
        else { return }
        var baggage = Baggage()
        for member in header.split(separator: ",").prefix(Self.maximumMembers) {
            let parts = member.split(separator: ";", maxSplits: 1)
            guard let pair = parts.first else { continue }
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard keyValue.count == 2 else { continue }
            let key = keyValue[0].trimmingOWS()
            let rawValue = keyValue[1].trimmingOWS()
            guard rawValue.utf8.allSatisfy(Self.isBaggageOctet),
                let value = PercentEncoding.decode(rawValue),
                let updated = baggage.setting(
                    String(key), to: value, metadata: parts.count > 1 ? String(parts[1].trimmingOWS()) : "")
            else { continue }
            baggage = updated
        }
        if !baggage.isEmpty { context.baggage = baggage }
    }

    /// W3C `baggage-octet` (printable ASCII except space, `"`, `,`, `;` and `\`), plus `%`.
    static func isBaggageOctet(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && byte != 0x22 && byte != 0x2C && byte != 0x3B && byte != 0x5C
    }
}
