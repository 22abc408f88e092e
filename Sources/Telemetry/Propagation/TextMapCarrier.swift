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
        if let exact = carrier[key] { return exact }
        // A header that is absent (tracestate usually is) costs a scan: compare in place rather
        // than lowercasing every name (measured: an allocation per name per extract).
        return carrier.first { Self.equalIgnoringASCIICase($0.key, key) }?.value
    }

    /// Whether `name` equals `key` (lowercase) ignoring the case of ASCII letters in `name`.
    static func equalIgnoringASCIICase(_ name: String, _ key: String) -> Bool {
        var name = name
        var key = key
        return name.withUTF8 { nameBytes in
            key.withUTF8 { keyBytes in
                guard nameBytes.count == keyBytes.count else { return false }
                for index in 0..<nameBytes.count {
                    let byte = nameBytes[index]
                    let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    if lower != keyBytes[index] { return false }
                }
                return true
            }
        }
    }
}
