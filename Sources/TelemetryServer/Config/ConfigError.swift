/// A problem in a configuration file or flag, located as precisely as the input allows.
///
/// Rendered as `file:line:column: field: message`, the form editors and CI logs link to.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, or `command line` for flags.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The dotted field path (`web.listen_address`) or flag name, when known.
    public var field: String?
    /// What is wrong and what is expected.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        if let field { return "\(location): \(field): \(message)" }
        return "\(location): \(message)"
    }
}
