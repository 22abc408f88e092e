import Yams

/// Reads a YAML mapping field by field, so every error names the file, line and field, and
/// unknown fields are reported rather than silently ignored.
struct YAMLMappingReader {
    let file: String
    let path: String
    private let node: Node
    private var consumed: Set<String> = []

    /// Parses `text` and requires a mapping (or an empty document) at the top.
    static func document(_ text: String, file: String) throws(ConfigError) -> YAMLMappingReader {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw YAMLMappingReader.locate(error, file: file)
        } catch {
            throw ConfigError(file: file, message: "\(error)")
        }
        let node = root ?? Node.mapping(Node.Mapping([]))
        return try YAMLMappingReader(node: node, file: file, path: "")
    }

    init(node: Node, file: String, path: String) throws(ConfigError) {
        guard node.mapping != nil else {
            throw ConfigError(
                file: file, line: node.mark?.line, column: node.mark?.column, field: path.isEmpty ? nil : path,
                message: "expected a mapping")
        }
        self.node = node
        self.file = file
        self.path = path
    }

    private func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value node for `key`, marking it as known.
    mutating func value(_ key: String) -> Node? {
        consumed.insert(key)
        return node.mapping?[Node(key)]
    }

    func error(_ key: String, _ node: Node?, _ message: String) -> ConfigError {
        ConfigError(
            file: file, line: (node ?? self.node).mark?.line, column: (node ?? self.node).mark?.column,
            field: fieldPath(key), message: message)
    }

    mutating func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .scalar(let scalar) = value else { throw error(key, value, "expected a string") }
        return scalar.string
    }

    mutating func integer(_ key: String, minimum: Int = 0) throws(ConfigError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.int else { throw error(key, value, "expected an integer, got \"\(value.string ?? "?")\"") }
        guard number >= minimum else { throw error(key, value, "must be at least \(minimum)") }
        return number
    }

    /// A duration; with `positive`, zero is refused ("must be more than 0s").
    mutating func duration(_ key: String, positive: Bool = false) throws(ConfigError) -> PrometheusDuration? {
        guard let text = try string(key) else { return nil }
        guard let duration = PrometheusDuration(text) else {
            throw error(key, value(key), ServerConfiguration.durationHelp(text))
        }
        if positive, duration.milliseconds <= 0 { throw error(key, value(key), "must be more than 0s") }
        return duration
    }

    mutating func size(_ key: String) throws(ConfigError) -> ByteSize? {
        guard let text = try string(key) else { return nil }
        guard let size = ByteSize(text) else {
            throw error(key, value(key), ServerConfiguration.sizeHelp(text))
        }
        return size
    }

    mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.bool else { throw error(key, value, "expected true or false, got \"\(value.string ?? "?")\"") }
        return flag
    }

    mutating func mapping(_ key: String) throws(ConfigError) -> YAMLMappingReader? {
        guard let value = value(key) else { return nil }
        if case .scalar(let scalar) = value, scalar.string.isEmpty || scalar.tag == Tag(.null) { return nil }
        return try YAMLMappingReader(node: value, file: file, path: fieldPath(key))
    }

    /// A list of mappings (`remote_write: [{url: …}, …]`), each read with its index in the
    /// field path (`remote_write[1].url`).
    mutating func mappings(_ key: String) throws(ConfigError) -> [YAMLMappingReader]? {
        guard let value = value(key) else { return nil }
        if case .scalar(let scalar) = value, scalar.string.isEmpty || scalar.tag == Tag(.null) { return nil }
        guard case .sequence(let sequence) = value else { throw error(key, value, "expected a list") }
        var readers: [YAMLMappingReader] = []
        for (index, item) in sequence.enumerated() {
            readers.append(try YAMLMappingReader(node: item, file: file, path: "\(fieldPath(key))[\(index)]"))
        }
        return readers
    }

    /// A list of strings (`rule_files`).
    mutating func strings(_ key: String) throws(ConfigError) -> [String]? {
        guard let value = value(key) else { return nil }
        if case .scalar(let scalar) = value, scalar.string.isEmpty || scalar.tag == Tag(.null) { return nil }
        guard case .sequence(let sequence) = value else { throw error(key, value, "expected a list of strings") }
        var result: [String] = []
        for item in sequence {
            guard case .scalar(let scalar) = item else { throw error(key, item, "expected a string") }
            result.append(scalar.string)
        }
        return result
    }

    /// A mapping of strings to strings (HTTP headers).
    mutating func stringMap(_ key: String) throws(ConfigError) -> [String: String]? {
        guard let value = value(key) else { return nil }
        guard let mapping = value.mapping else { throw error(key, value, "expected a mapping of names to values") }
        var result: [String: String] = [:]
        for (name, item) in mapping {
            guard case .scalar(let nameScalar) = name, case .scalar(let itemScalar) = item else {
                throw error(key, item, "expected string values")
            }
            result[nameScalar.string] = itemScalar.string
        }
        return result
    }

    /// Fails on the first key that was never read: a typo must not be ignored.
    func rejectUnknownFields() throws(ConfigError) {
        guard let mapping = node.mapping else { return }
        for (key, _) in mapping {
            let name = key.string ?? "?"
            if !consumed.contains(name) {
                throw ConfigError(
                    file: file, line: key.mark?.line, column: key.mark?.column, field: fieldPath(name),
                    message: "unknown field")
            }
        }
    }

    private static func locate(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return ConfigError(file: file, message: "invalid YAML: \(error)")
        }
    }
}
