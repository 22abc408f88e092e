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
        return carrier.first { $0.key.lowercased() == key }?.value
    }
}
