/// Writes one header (or metadata field) into a carrier of any type, such as a request.
public protocol TextMapInjector<Carrier>: Sendable {
    /// The type headers are written into.
    associatedtype Carrier
    /// Sets `key` to `value` in `carrier`.
    func inject(_ value: String, forKey key: String, into carrier: inout Carrier)
}

/// Reads one header (or metadata field) from a carrier of any type.
public protocol TextMapExtractor<Carrier>: Sendable {
    /// The type headers are read from.
    associatedtype Carrier
    /// The value of `key` in `carrier`, if present. Keys are lowercase; HTTP carriers should
    /// compare case-insensitively.
    func extract(key: String, from carrier: Carrier) -> String?
}

/// Writes headers into a `[String: String]`.
public struct DictionaryInjector: TextMapInjector {
    /// Creates the injector.
    public init() {}

    public func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

/// Reads headers from a `[String: String]`, matching names case-insensitively as HTTP requires.
public struct DictionaryExtractor: TextMapExtractor {
    /// Creates the extractor.
    public init() {}

    public func extract(key: String, from carrier: [String: String]) -> String? {
        guard carrier.count > Self.scannedCarrierSize else {
            return Self.scan(carrier, for: key)
        }
        if let exact = carrier[key] { return exact }
        // A header that is absent (tracestate usually is) costs a scan: compare in place rather
        // than lowercasing every name (measured: an allocation per name per extract).
        return carrier.first { Self.compare($0.key, key) != .different }?.value
    }

    /// Carriers up to this size are scanned rather than hashed into: comparing a handful of
    /// names, most of which differ in length, costs less than hashing the key (twice, when the
    /// header is absent or differs in case).
    static let scannedCarrierSize = 8

    /// The value of the name equal to `key`, else of one equal to it but for case.
    private static func scan(_ carrier: [String: String], for key: String) -> String? {
        let names = carrier.keys
        var folded: Dictionary<String, String>.Index?
        var index = names.startIndex
        while index != names.endIndex {
            switch compare(names[index], key) {
            case .equal: return carrier.values[index]
            case .equalIgnoringCase: if folded == nil { folded = index }
            case .different: break
            }
            names.formIndex(after: &index)
        }
        return folded.map { carrier.values[$0] }
    }

    /// How a header name compares with a (lowercase) key.
    enum NameComparison {
        case equal
        case equalIgnoringCase
        case different
    }

    /// Whether `name` equals `key` (lowercase) exactly, or but for the case of ASCII letters.
    static func compare(_ name: String, _ key: String) -> NameComparison {
        guard name.utf8.count == key.utf8.count else { return .different }
        // Read in place where the strings allow it (`withUTF8` needs mutable copies).
        let inPlace = name.utf8.withContiguousStorageIfAvailable { nameBytes in
            key.utf8.withContiguousStorageIfAvailable { compare(nameBytes, $0) }
        }
        if let inPlace = inPlace ?? nil { return inPlace }
        var name = name
        var key = key
        return name.withUTF8 { nameBytes in key.withUTF8 { compare(nameBytes, $0) } }
    }

    private static func compare(_ name: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>) -> NameComparison {
        var exact = true
        for index in 0..<name.count where name[index] != key[index] {
            exact = false
            let byte = name[index]
            let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            if lower != key[index] { return .different }
        }
        return exact ? .equal : .equalIgnoringCase
    }
}
