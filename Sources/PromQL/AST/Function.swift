/// A PromQL function: its name, argument types and result type, as in Prometheus 2.42.
public struct Function: Sendable, Equatable {
    public var name: String
    public var argumentTypes: [ValueType]
    /// How many trailing arguments may be left out (`round`, the date functions), or `-1`
    /// when the last argument may repeat (`label_join`).
    public var variadic: Int
    public var returnType: ValueType

    /// Whether telemetryd evaluates it (the float functions of Prometheus 2.42); native
    /// histogram functions parse but are refused at evaluation with a clear error.
    public var isSupported: Bool

    init(_ name: String, _ argumentTypes: [ValueType], _ returnType: ValueType, variadic: Int = 0, supported: Bool = true) {
        self.name = name
        self.argumentTypes = argumentTypes
        self.variadic = variadic
        self.returnType = returnType
        isSupported = supported
    }

    /// Every function Prometheus 2.42 knows, by name.
    public static let all: [String: Function] = {
        var table: [String: Function] = [:]
        func add(_ function: Function) { table[function.name] = function }
        let v = ValueType.vector, m = ValueType.matrix, s = ValueType.scalar, str = ValueType.string
        for name in [
            "abs", "ceil", "exp", "floor", "ln", "log10", "log2", "sgn", "sqrt", "timestamp", "sort", "sort_desc",
            "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin", "sinh", "tan", "tanh", "deg", "rad",
            "absent",
        ] { add(Function(name, [v], v)) }
        for name in [
            "changes", "delta", "deriv", "idelta", "increase", "irate", "rate", "resets", "absent_over_time",
            "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
            "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time",
        ] { add(Function(name, [m], v)) }
        for name in ["day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year"] {
            add(Function(name, [v], v, variadic: 1))
        }
        add(Function("clamp", [v, s, s], v))
        add(Function("clamp_max", [v, s], v))
        add(Function("clamp_min", [v, s], v))
        add(Function("histogram_quantile", [s, v], v))
        add(Function("holt_winters", [m, s, s], v))
        add(Function("label_join", [v, str, str, str], v, variadic: -1))
        add(Function("label_replace", [v, str, str, str, str], v))
        add(Function("predict_linear", [m, s], v))
        add(Function("quantile_over_time", [s, m], v))
        add(Function("round", [v, s], v, variadic: 1))
        add(Function("scalar", [v], s))
        add(Function("vector", [s], v))
        add(Function("time", [], s))
        add(Function("pi", [], s))
        // Native histograms are experimental in 2.42 and have no float meaning.
        for name in ["histogram_count", "histogram_sum"] { add(Function(name, [v], v, supported: false)) }
        add(Function("histogram_fraction", [s, s, v], v, supported: false))
        return table
    }()
}
