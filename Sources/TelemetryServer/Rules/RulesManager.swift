import Foundation
import Logging
import PromQL
import Synchronization
import Telemetry

#if canImport(Glibc)
import Glibc
#endif

/// Owns the rule groups loaded from the configured rule files and runs each on its schedule,
/// as Prometheus's rules manager does.
final class RulesManager: Sendable {
    private let running = Mutex<(groups: [RuleGroup], tasks: [String: Task<Void, Never>], started: Bool)>(([], [:], false))
    private let engine: Engine
    private let history: MetricHistory
    private let metrics: RuleMetrics?
    private let store: AlertStateStore?
    private let notifier: AlertNotifier?
    private let logger: Logger
    /// Told after every group evaluation (the dashboard's alert changes).
    private let evaluated = CallbackSlot<RuleGroup, Void> { _ in }

    /// Builds the manager; with a `store`, alerts saved before a restart are put back.
    init(
        groups: [RuleGroup], engine: Engine, history: MetricHistory, metrics: RuleMetrics?, store: AlertStateStore? = nil,
        notifier: AlertNotifier? = nil, logger: Logger
    ) {
        running.withLock { $0.groups = groups }
        self.engine = engine
        self.history = history
        self.metrics = metrics
        self.store = store
        self.notifier = notifier
        self.logger = logger
        if let store {
            do {
                let saved = try store.load()
                for group in groups { group.restore(saved) }
                // Webhook groups live in memory: hand them the restored alerts, so none that
                // was waiting for its group to be notified is lost to the restart.
                if let notifier {
                    for group in groups {
                        notifier.dispatch(group.alertsToSend(at: Self.now, resendDelay: notifier.resendDelay, all: true), at: Self.now)
                    }
                }
            } catch {
                logger.error("cannot read saved alert state; alerts start afresh", metadata: ["error": "\(error)"])
            }
        }
        describe(groups)
    }

    /// Sets the per-group gauges (rule count, interval).
    private func describe(_ groups: [RuleGroup]) {
        for group in groups {
            try? metrics?.rules.labels(group.key).set(Double(group.state.withLock { $0.rules.count }))
            try? metrics?.interval.labels(group.key).set(Double(group.interval) / 1000)
        }
    }

    /// The rule files `patterns` name (globs; a pattern matching nothing adds nothing), read
    /// and checked. As in Prometheus, the first file with problems stops the load.
    static func loadGroups(
        patterns: [String], defaultInterval: Int64, externalLabels: [String: String], externalURL: String = ""
    ) throws(RuleFile.Invalid) -> [RuleGroup] {
        var groups: [RuleGroup] = []
        for file in patterns.flatMap(expand) {
            groups += try RuleFile.load(file).groups.map {
                RuleGroup(
                    $0, file: file, defaultInterval: defaultInterval, externalLabels: externalLabels, externalURL: externalURL)
            }
        }
        return groups
    }

    private static func expand(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in matches.gl_pathv[index].map { String(cString: $0) } }.sorted()
    }

    /// The groups in force.
    var groups: [RuleGroup] { running.withLock { $0.groups } }

    /// Starts every group's schedule.
    func start() {
        let groups = running.withLock { state in
            state.started = true
            return state.groups
        }
        for group in groups { launch(group) }
    }

    /// Stops every group's schedule.
    func stop() {
        let tasks = running.withLock { state in
            state.started = false
            defer { state.tasks.removeAll() }
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
    }

    private func launch(_ group: RuleGroup) {
        let task = Task.detached { [self] in await run(group) }
        running.withLock { $0.tasks[group.key] = task }
    }

    /// Replaces the groups with `groups`: a group whose definition did not change stays as it
    /// is (with its alerts and schedule), as Prometheus keeps it; others start afresh.
    func replace(with groups: [RuleGroup]) {
        let (current, started, stopped, fresh) = running.withLock { state in
            var old: [String: RuleGroup] = [:]
            for group in state.groups where old[group.key] == nil { old[group.key] = group }
            var current: [RuleGroup] = []
            var fresh: [RuleGroup] = []
            var unchanged = Set<String>()
            for group in groups {
                if let previous = old[group.key], previous.fingerprint == group.fingerprint {
                    current.append(previous)
                    unchanged.insert(group.key)
                } else {
                    current.append(group)
                    fresh.append(group)
                }
            }
            var stopped: [Task<Void, Never>] = []
            for (key, task) in state.tasks where !unchanged.contains(key) {
                stopped.append(task)
                state.tasks[key] = nil
            }
            state.groups = current
            return (current, state.started, stopped, fresh)
        }
        for task in stopped { task.cancel() }
        describe(current)
        if started { for group in fresh { launch(group) } }
    }

    private func run(_ group: RuleGroup) async {
        var next = group.slot(atOrBefore: Self.now) + group.interval
        while !Task.isCancelled {
            let wait = next - Self.now
            if wait > 0 { try? await Task.sleep(for: .milliseconds(wait)) }
            if Task.isCancelled { return }
            let now = Self.now
            var slot = next
            if now - next >= group.interval {
                // The previous evaluation ran past whole slots: skip to the latest, count them.
                let missed = (now - next) / group.interval
                try? metrics?.missedIterations.labels(group.key).increment(by: missed)
                slot = group.slot(atOrBefore: now)
            }
            evaluate(group, at: slot)
            next = slot + group.interval
        }
    }

    /// Sets what is told after every group evaluation.
    func onEvaluated(_ handler: @escaping @Sendable (RuleGroup) -> Void) {
        evaluated.set(handler)
    }

    /// One evaluation of `group` at `time`, counted in the metrics.
    func evaluate(_ group: RuleGroup, at time: Int64) {
        let failures = group.evaluate(at: time, engine: engine, history: history)
        defer { evaluated(group) }
        let outgoing = notifier.map { group.alertsToSend(at: time, resendDelay: $0.resendDelay) } ?? []
        let rows = notifier?.alertmanagerRows(outgoing) ?? []
        if let store {
            store.save(group: group.key, alerts: group.alertsByRule, outgoing: rows, at: Self.now)
        } else {
            notifier?.queue.enqueue(rows, at: Self.now)
        }
        notifier?.dispatch(outgoing, at: Self.now)
        guard let metrics else { return }
        let (rules, seconds) = group.state.withLock { ($0.rules.count, $0.evaluationSeconds) }
        try? metrics.iterations.labels(group.key).increment()
        try? metrics.evaluations.labels(group.key).increment(by: Int64(rules))
        if failures > 0 { try? metrics.failures.labels(group.key).increment(by: Int64(failures)) }
        try? metrics.lastDuration.labels(group.key).set(seconds)
        try? metrics.lastEvaluation.labels(group.key).set(Double(time) / 1000)
    }

    private static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
