import Foundation
import GRDB
import Synchronization

/// The dashboard's views, in display order: kept in memory for the publisher and in the
/// `views` table across restarts. Default views (from `dashboards/views/*.json`) are added
/// when the table has never held their id; a deleted default stays deleted (a tombstone row).
final class ViewStore: Sendable {
    private struct Stored: Sendable {
        var views: [DashboardView] = []
        var nextPosition = 0
    }

    private let writer: StorageWriter?
    private let stored: Mutex<Stored>
    /// Most views kept: each is evaluated at its refresh while a browser is connected, so views
    /// added without end would take the dashboard's evaluation time without end.
    let maxViews: Int

    /// Why a view was not added: `maxViews` are kept already.
    struct Full: Error, CustomStringConvertible {
        let maxViews: Int
        var description: String { "at most \(maxViews) views are kept; delete one first" }
    }

    /// Loads stored views and adds the defaults not seen before (none stored without a database).
    init(database: TelemetryDatabase?, writer: StorageWriter?, defaults: [DashboardView], maxViews: Int = 500) throws {
        self.writer = writer
        self.maxViews = maxViews
        var views: [DashboardView] = []
        var known = Set<String>()
        var nextPosition = 0
        if let database {
            try database.pool.read { db in
                for row in try Row.fetchAll(db, sql: "SELECT * FROM views ORDER BY position") {
                    let id: String = row["id"]
                    known.insert(id)
                    nextPosition = max(nextPosition, (row["position"] as Int) + 1)
                    guard (row["deleted"] as Int) == 0 else { continue }
                    let definition: String = row["definition"]
                    if let view = try? DashboardView.decode(Array(definition.utf8)) { views.append(view) }
                }
            }
        }
        var fresh: [DashboardView] = []
        for view in defaults where !known.contains(view.id) {
            views.append(view)
            fresh.append(view)
            known.insert(view.id)
        }
        stored = Mutex(Stored(views: views, nextPosition: nextPosition))
        if let database, !fresh.isEmpty {
            var position = nextPosition
            try database.pool.write { db in
                for view in fresh {
                    try Self.save(view, position: position, deleted: false, in: db)
                    position += 1
                }
            }
            stored.withLock { $0.nextPosition = position }
        }
    }

    /// Every view in display order.
    var all: [DashboardView] { stored.withLock { $0.views } }

    /// The view with `id`.
    func view(_ id: String) -> DashboardView? {
        stored.withLock { $0.views.first { $0.id == id } }
    }

    /// Adds a view at the end; false when the id is taken.
    ///
    /// - Throws: `Full` when `maxViews` are kept; a storage error when it cannot be saved.
    func add(_ view: DashboardView) async throws -> Bool {
        enum Slot { case taken, full, at(Int) }
        let slot: Slot = stored.withLock { stored in
            guard !stored.views.contains(where: { $0.id == view.id }) else { return .taken }
            guard stored.views.count < maxViews else { return .full }
            stored.views.append(view)
            stored.nextPosition += 1
            return .at(stored.nextPosition - 1)
        }
        let position: Int
        switch slot {
        case .taken: return false
        case .full: throw Full(maxViews: maxViews)
        case .at(let index): position = index
        }
        try await persist(view, position: position, deleted: false)
        return true
    }

    /// Replaces the view with the same id; false when there is none.
    func replace(_ view: DashboardView) async throws -> Bool {
        let position: Int? = stored.withLock { stored in
            guard let index = stored.views.firstIndex(where: { $0.id == view.id }) else { return nil }
            stored.views[index] = view
            return index
        }
        guard let position else { return false }
        try await persist(view, position: position, deleted: false)
        return true
    }

    /// Removes the view; false when there is none.
    func remove(_ id: String) async throws -> Bool {
        let removed: DashboardView? = stored.withLock { stored in
            guard let index = stored.views.firstIndex(where: { $0.id == id }) else { return nil }
            return stored.views.remove(at: index)
        }
        guard let removed else { return false }
        try await persist(removed, position: 0, deleted: true)
        return true
    }

    private func persist(_ view: DashboardView, position: Int, deleted: Bool) async throws {
        guard let writer else { return }
        try await writer.submit(StorageBatch(rows: 1, mustQueue: true) { db in
            try Self.save(view, position: position, deleted: deleted, in: db)
        })
    }

    private static func save(_ view: DashboardView, position: Int, deleted: Bool, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO views (id, definition, position, deleted, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, deleted = excluded.deleted,
                    updated_at = excluded.updated_at, position = CASE WHEN excluded.deleted = 1 THEN position ELSE excluded.position END
                """,
            arguments: [view.id, view.json, position, deleted ? 1 : 0, Int64(Date().timeIntervalSince1970 * 1000)])
    }
}
