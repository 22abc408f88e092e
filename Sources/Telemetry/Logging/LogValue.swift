import Logging

/// A log record's body or attribute value: OTLP's `AnyValue`, with maps and mixed arrays.
public indirect enum LogValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([LogValue])
    case map([String: LogValue])

    /// A swift-log metadata value, typed: numbers and booleans given as `.stringConvertible`
    /// stay numbers and booleans, dictionaries become maps and arrays arrays.
    public init(_ metadata: Logger.MetadataValue) {
        switch metadata {
        case .string(let text): self = .string(text)
        case .dictionary(let entries): self = .map(entries.mapValues(LogValue.init))
        case .array(let values): self = .array(values.map(LogValue.init))
        case .stringConvertible(let value): self = LogValue(typed: value)
        }
    }

    private init(typed value: any CustomStringConvertible & Sendable) {
        switch value {
        case let flag as Bool: self = .bool(flag)
        case let number as Int: self = .int(Int64(number))
        case let number as Int64: self = .int(number)
        case let number as Int32: self = .int(Int64(number))
        case let number as Int16: self = .int(Int64(number))
        case let number as Int8: self = .int(Int64(number))
        case let number as UInt32: self = .int(Int64(number))
        case let number as UInt16: self = .int(Int64(number))
        case let number as UInt8: self = .int(Int64(number))
        case let number as UInt where number <= UInt(Int64.max): self = .int(Int64(number))
        case let number as UInt64 where number <= UInt64(Int64.max): self = .int(Int64(number))
        case let number as Double: self = .double(number)
        case let number as Float: self = .double(Double(number))
        default: self = .string(value.description)
        }
    }
}
