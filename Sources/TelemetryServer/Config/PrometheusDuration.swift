import PromQL

/// Durations in configuration files and flags use the same grammar as PromQL and
/// Prometheus's API (`1h30m`, `5m`, `250ms`, `0s`): one type for all of them.
public typealias PrometheusDuration = PromDuration
