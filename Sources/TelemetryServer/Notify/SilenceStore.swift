import Foundation
import GRDB
import PromQL
import Synchronization

/// Silences, as Alertmanager's (minimal): matchers and a time range; an alert every matcher of
/// an active silence matches is not sent to webhooks. Kept in memory for the dispatcher and in
/// the `silences` table across restarts.
///
/// Bounded as Alertmanager bounds them (`SilenceLimits`): a silence past the size limit, or one
/// more than the limit of pending and active silences, is refused; an expired silence is
/// deleted once it has been expired for the retention, and the oldest expired ones go first
/// when there are more of them than the limit. (Unbounded, every `POST` of a silence grew the
/// process and the database for good, and every alert was checked against all of them.)
final class SilenceStore: Sendable {
    struct Silence: Sendable, Equatable {
        let id: String
        let matchers: [LabelMatcher]
        let startsAt: Int64
        var endsAt: Int64
        let createdBy: String
        let comment: String
        var updatedAt: Int64

        /// `pending`, `active` or `expired` at `now`.
        func state(at now: Int64) -> String { now < startsAt ? "pending" : now < endsAt ? "active" : "expired" }
    }

    /// Why a silence is refused.
    struct Refusal: Error, Equatable {
        let message: String
    }

    private struct State {
        /// The silences by id, each with its matchers compiled once.
        var byID: [String: (silence: Silence, matchers: [CompiledMatcher])]
        /// Silences being stored, counted against the limit before they are in `byID`.
        var adding = 0
    }

    private let writer: StorageWriter?
    private let limits: SilenceLimits
    private let state: Mutex<State>

    /// Loads the stored silences (none without a database).
    init(database: TelemetryDatabase?, writer: StorageWriter?, limits: SilenceLimits = SilenceLimits()) throws {
        self.writer = writer
        self.limits = limits
        var loaded: [String: Silence] = [:]
        if let database {
            try database.pool.read { db in
                for row in try Row.fetchAll(db, sql: "SELECT * FROM silences") {
                    let text: String = row["matchers"]
                    let matchers = text.split(separator: "\n").compactMap { try? AlertMatcherParser.parse(String($0)) }
                    let silence = Silence(
                        id: row["id"], matchers: matchers, startsAt: row["starts_at"], endsAt: row["ends_at"],
                        createdBy: row["created_by"], comment: row["comment"], updatedAt: row["updated_at"])
                    loaded[silence.id] = silence
                }
            }
        }
        state = Mutex(State(byID: loaded.mapValues { ($0, Self.compile($0)) }))
    }

    private static func compile(_ silence: Silence) -> [CompiledMatcher] {
        silence.matchers.compactMap { try? CompiledMatcher($0) }
    }

    /// Every silence, newest first.
    var all: [Silence] {
        state.withLock { $0.byID.values.map(\.silence) }.sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
    }

    /// Whether an active silence matches `labels`.
    func isSilenced(_ labels: [String: String], at now: Int64) -> Bool {
        let active = state.withLock { $0.byID.values.filter { $0.silence.state(at: now) == "active" }.map(\.matchers) }
        return active.contains { list in list.allSatisfy { $0.matches(labels[$0.name] ?? "") } }
    }

    /// Stores a silence created at `now`, or refuses it (`Refusal`) past the limits; returns
    /// once it is durable. Expired silences past their retention are deleted first.
    func add(_ silence: Silence, at now: Int64) async throws {
        if let problem = limits.sizeProblem(Self.size(of: silence)) { throw Refusal(message: problem) }
        let removed = removeExpired(at: now)
        if !removed.isEmpty { try await delete(removed) }
        try state.withLock { state throws(Refusal) in
            let live = state.byID.values.count { $0.silence.state(at: now) != "expired" } + state.adding
            if let problem = limits.countProblem(live) { throw Refusal(message: problem) }
            state.adding += 1
        }
        defer { state.withLock { $0.adding -= 1 } }
        try await persist(silence)
        state.withLock { $0.byID[silence.id] = (silence, Self.compile(silence)) }
    }

    /// Ends a silence now (Alertmanager expires rather than deletes); false if unknown.
    func expire(_ id: String, at now: Int64) async throws -> Bool {
        guard let (found, matchers) = state.withLock({ $0.byID[id] }) else { return false }
        var silence = found
        if silence.endsAt > now { silence.endsAt = Swift.max(now, silence.startsAt) }
        silence.updatedAt = now
        try await persist(silence)
        state.withLock { $0.byID[id] = (silence, matchers) }
        let removed = removeExpired(at: now)
        if !removed.isEmpty { try await delete(removed) }
        return true
    }

    /// Takes out of memory the silences expired for longer than the retention and, past the
    /// limit's number of expired ones, the longest expired; returns their ids.
    private func removeExpired(at now: Int64) -> [String] {
        state.withLock { state in
            let expired = state.byID.values.map(\.silence).filter { $0.state(at: now) == "expired" }
                .sorted { ($0.endsAt, $0.id) < ($1.endsAt, $1.id) }
            let surplus = Swift.max(0, expired.count - limits.maxSilences)
            let removed = expired.enumerated()
                .filter { index, silence in index < surplus || silence.endsAt + limits.retentionMilliseconds <= now }
                .map(\.element.id)
            for id in removed { state.byID[id] = nil }
            return removed
        }
    }

    /// What a silence holds, in bytes: its matchers' names and values, author and comment.
    static func size(of silence: Silence) -> Int {
        silence.matchers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
            + silence.createdBy.utf8.count + silence.comment.utf8.count
    }

    private func delete(_ ids: [String]) async throws {
        guard let writer else { return }
        try await writer.submit(
            StorageBatch(rows: ids.count, mustQueue: true) { db in
                for id in ids { try db.execute(sql: "DELETE FROM silences WHERE id = ?", arguments: [id]) }
            })
    }

    private func persist(_ silence: Silence) async throws {
        guard let writer else { return }
        let text = silence.matchers.map { "\($0.name)\($0.kind.rawValue)\(GoQuote.quote($0.value))" }.joined(separator: "\n")
        try await writer.submit(
            StorageBatch(rows: 1, mustQueue: true) { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO silences (id, matchers, starts_at, ends_at, created_by, comment, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [silence.id, text, silence.startsAt, silence.endsAt, silence.createdBy, silence.comment, silence.updatedAt])
            })
    }
}
