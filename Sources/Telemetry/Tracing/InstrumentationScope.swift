/// The library or component that created spans or metrics (OTLP's instrumentation scope).
public struct InstrumentationScope: Sendable, Hashable {
    /// The scope name, typically the module or library name.
    public var name: String
    /// The library version, or empty.
    public var version: String

    /// Creates a scope.
    public init(name: String, version: String = "") {
        self.name = name
        self.version = version
    }
}
