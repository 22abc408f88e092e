/// A PromQL syntax or type error, with the position Prometheus reports (`line:column`, both
/// counted from 1, columns in bytes).
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the offending token in the expression.
    public var position: Int
    /// What is wrong, in Prometheus's words where it has them.
    public var message: String

    /// Creates an error at a byte offset.
    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    /// `line:column: parse error: message` for `expression`, as Prometheus prints it.
    public func formatted(in expression: String) -> String {
        let prefix = Array(expression.utf8).prefix(position)
        let line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
        let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        return "\(line):\(position - lineStart + 1): parse error: \(message)"
    }

    public var description: String { "parse error at offset \(position): \(message)" }
}
