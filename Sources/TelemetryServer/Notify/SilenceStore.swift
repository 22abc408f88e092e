import Foundation
import GRDB
import PromQL
import Synchronization

/// Silences, as Alertmanager's (minimal): matchers and a time range; an alert every matcher of
/// an active silence matches is not sent to webhooks. Kept in memory for the dispatcher and in
/// the `silences` table across restarts.
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

    private let writer: StorageWriter?
    /// The silences by id, each with its matchers compiled once.
    private let silences: Mutex<[String: (silence: Silence, matchers: [CompiledMatcher])]>

    /// Loads the stored silences (none without a database).
    init(database: TelemetryDatabase?, writer: StorageWriter?) throws {
        self.writer = writer
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
        silences = Mutex(loaded.mapValues { ($0, Self.compile($0)) })
    }

    private static func compile(_ silence: Silence) -> [CompiledMatcher] {
        silence.matchers.compactMap { try? CompiledMatcher($0) }
    }

    /// Every silence, newest first.
    var all: [Silence] {
        silences.withLock { $0.values.map(\.silence) }.sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
    }

    /// Whether an active silence matches `labels`.
    func isSilenced(_ labels: [String: String], at now: Int64) -> Bool {
        let active = silences.withLock { $0.values.filter { $0.silence.state(at: now) == "active" }.map(\.matchers) }
        return active.contains { list in list.allSatisfy { $0.matches(labels[$0.name] ?? "") } }
    }

    /// Stores a silence; returns once it is durable.
    func add(_ silence: Silence) async throws {
        try await persist(silence)
        silences.withLock { $0[silence.id] = (silence, Self.compile(silence)) }
    }

    /// Ends a silence now (Alertmanager expires rather than deletes); false if unknown.
    func expire(_ id: String, at now: Int64) async throws -> Bool {
        guard let (found, matchers) = silences.withLock({ $0[id] }) else { return false }
        var silence = found
        if silence.endsAt > now { silence.endsAt = Swift.max(now, silence.startsAt) }
        silence.updatedAt = now
        try await persist(silence)
        silences.withLock { $0[id] = (silence, matchers) }
        return true
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
