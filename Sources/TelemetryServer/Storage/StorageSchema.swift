import GRDB

/// Versioned schema. Add a migration for every change; never edit a released one.
enum StorageSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: spans and logs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE spans (
                        trace_id BLOB NOT NULL,
                        span_id BLOB NOT NULL,
                        parent_span_id BLOB,
                        trace_state TEXT NOT NULL DEFAULT '',
                        flags INTEGER NOT NULL DEFAULT 0,
                        service_name TEXT NOT NULL,
                        name TEXT NOT NULL,
                        kind INTEGER NOT NULL,
                        start_unix_nano INTEGER NOT NULL,
                        end_unix_nano INTEGER NOT NULL,
                        duration_nano INTEGER NOT NULL,
                        status_code INTEGER NOT NULL,
                        status_message TEXT NOT NULL DEFAULT '',
                        attributes TEXT NOT NULL DEFAULT '{}',
                        dropped_attributes_count INTEGER NOT NULL DEFAULT 0,
                        events TEXT NOT NULL DEFAULT '[]',
                        dropped_events_count INTEGER NOT NULL DEFAULT 0,
                        links TEXT NOT NULL DEFAULT '[]',
                        dropped_links_count INTEGER NOT NULL DEFAULT 0,
                        resource_attributes TEXT NOT NULL DEFAULT '{}',
                        scope_name TEXT NOT NULL DEFAULT '',
                        scope_version TEXT NOT NULL DEFAULT '',
                        scope_attributes TEXT NOT NULL DEFAULT '{}',
                        received_unix_nano INTEGER NOT NULL,
                        PRIMARY KEY (trace_id, span_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX spans_by_service_start ON spans (service_name, start_unix_nano);
                    CREATE INDEX spans_by_start ON spans (start_unix_nano);
                    CREATE TABLE logs (
                        id INTEGER PRIMARY KEY,
                        time_unix_nano INTEGER NOT NULL,
                        observed_unix_nano INTEGER NOT NULL,
                        service_name TEXT NOT NULL,
                        severity_number INTEGER NOT NULL,
                        severity_text TEXT NOT NULL DEFAULT '',
                        body TEXT NOT NULL DEFAULT 'null',
                        attributes TEXT NOT NULL DEFAULT '{}',
                        dropped_attributes_count INTEGER NOT NULL DEFAULT 0,
                        flags INTEGER NOT NULL DEFAULT 0,
                        trace_id BLOB,
                        span_id BLOB,
                        event_name TEXT NOT NULL DEFAULT '',
                        resource_attributes TEXT NOT NULL DEFAULT '{}',
                        scope_name TEXT NOT NULL DEFAULT '',
                        scope_version TEXT NOT NULL DEFAULT '',
                        received_unix_nano INTEGER NOT NULL
                    );
                    CREATE INDEX logs_by_time ON logs (time_unix_nano);
                    CREATE INDEX logs_by_trace ON logs (trace_id);
                    CREATE INDEX logs_by_service_time ON logs (service_name, time_unix_nano);
                    """)
        }
        // A WITHOUT ROWID table clustered on random trace ids put every insert on a random
        // leaf page holding a few large rows, so each span dirtied its own page (measured: 31 µs
        // of writer time per span). Rows now append in arrival order and only the small unique
        // index takes random inserts. Arrival order also serves retention (oldest rows have the
        // lowest ids), so arrival time needs no index of its own.
        migrator.registerMigration("v2: spans in arrival order") { db in
            try db.execute(
                sql: """
                    CREATE TABLE spans_v3 (
                        id INTEGER PRIMARY KEY,
                        trace_id BLOB NOT NULL,
                        span_id BLOB NOT NULL,
                        parent_span_id BLOB,
                        trace_state TEXT NOT NULL DEFAULT '',
                        flags INTEGER NOT NULL DEFAULT 0,
                        service_name TEXT NOT NULL,
                        name TEXT NOT NULL,
                        kind INTEGER NOT NULL,
                        start_unix_nano INTEGER NOT NULL,
                        end_unix_nano INTEGER NOT NULL,
                        duration_nano INTEGER NOT NULL,
                        status_code INTEGER NOT NULL,
                        status_message TEXT NOT NULL DEFAULT '',
                        attributes TEXT NOT NULL DEFAULT '{}',
                        dropped_attributes_count INTEGER NOT NULL DEFAULT 0,
                        events TEXT NOT NULL DEFAULT '[]',
                        dropped_events_count INTEGER NOT NULL DEFAULT 0,
                        links TEXT NOT NULL DEFAULT '[]',
                        dropped_links_count INTEGER NOT NULL DEFAULT 0,
                        resource_attributes TEXT NOT NULL DEFAULT '{}',
                        scope_name TEXT NOT NULL DEFAULT '',
                        scope_version TEXT NOT NULL DEFAULT '',
                        scope_attributes TEXT NOT NULL DEFAULT '{}',
                        received_unix_nano INTEGER NOT NULL
                    );
                    INSERT INTO spans_v3 (trace_id, span_id, parent_span_id, trace_state, flags, service_name, name,
                        kind, start_unix_nano, end_unix_nano, duration_nano, status_code, status_message, attributes,
                        dropped_attributes_count, events, dropped_events_count, links, dropped_links_count,
                        resource_attributes, scope_name, scope_version, scope_attributes, received_unix_nano)
                    SELECT trace_id, span_id, parent_span_id, trace_state, flags, service_name, name,
                        kind, start_unix_nano, end_unix_nano, duration_nano, status_code, status_message, attributes,
                        dropped_attributes_count, events, dropped_events_count, links, dropped_links_count,
                        resource_attributes, scope_name, scope_version, scope_attributes, received_unix_nano
                    FROM spans ORDER BY received_unix_nano;
                    DROP TABLE spans;
                    ALTER TABLE spans_v3 RENAME TO spans;
                    CREATE UNIQUE INDEX spans_by_id ON spans (trace_id, span_id);
                    CREATE INDEX spans_by_service_start ON spans (service_name, start_unix_nano);
                    CREATE INDEX spans_by_start ON spans (start_unix_nano);
                    """)
        }
        // Alerts of alerting rules, saved after every group evaluation, so a restart (even
        // kill -9) resumes them: firing stays firing, pending keeps its countdown.
        migrator.registerMigration("v3: alert state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert_state (
                        group_key TEXT NOT NULL,
                        rule_index INTEGER NOT NULL,
                        rule_name TEXT NOT NULL,
                        labels BLOB NOT NULL,
                        annotations TEXT NOT NULL,
                        state TEXT NOT NULL,
                        value REAL NOT NULL,
                        active_at INTEGER NOT NULL,
                        fired_at INTEGER,
                        resolved_at INTEGER,
                        keep_firing_since INTEGER,
                        last_sent_at INTEGER,
                        PRIMARY KEY (group_key, rule_index, labels)
                    ) WITHOUT ROWID;
                    """)
        }
        // Notifications: the durable queue (a row leaves only after a 2xx), what each webhook
        // group was last notified of (Alertmanager's notification log), and silences.
        migrator.registerMigration("v4: notifications") { db in
            try db.execute(
                sql: """
                    CREATE TABLE notifications (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        destination TEXT NOT NULL,
                        body BLOB NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX notifications_by_destination ON notifications (destination, id);
                    CREATE TABLE notification_log (
                        receiver TEXT NOT NULL,
                        group_key TEXT NOT NULL,
                        firing TEXT NOT NULL,
                        resolved TEXT NOT NULL,
                        sent_at INTEGER NOT NULL,
                        PRIMARY KEY (receiver, group_key)
                    ) WITHOUT ROWID;
                    CREATE TABLE silences (
                        id TEXT PRIMARY KEY,
                        matchers TEXT NOT NULL,
                        starts_at INTEGER NOT NULL,
                        ends_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        comment TEXT NOT NULL,
                        updated_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v5: dashboard views") { db in
            try db.execute(
                sql: """
                    CREATE TABLE views (
                        id TEXT PRIMARY KEY,
                        definition TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        deleted INTEGER NOT NULL DEFAULT 0,
                        updated_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        // A trace's spans in start order without reading and sorting the whole trace: the
        // trace view pages through a 50,000-span trace by start time.
        migrator.registerMigration("v6: spans of a trace by start") { db in
            try db.execute(sql: "CREATE INDEX spans_by_trace_start ON spans (trace_id, start_unix_nano, span_id)")
        }
        // Trace ids are random, so every span inserted into an index led by the trace id lands
        // on a random leaf page, and each commit writes every page it touched to the WAL: about
        // one 4 KiB page per span per such index. Two of them (the unique `(trace_id, span_id)`
        // and the paging index) were most of the writer's time. One unique index on
        // `(trace_id, start_unix_nano, span_id)` now serves both: a span sent again (an export
        // retried) has the same three and replaces the stored one; finding a span by id reads
        // its trace's entries in this index.
        migrator.registerMigration("v7: one index led by the trace id") { db in
            try db.execute(
                sql: """
                    DROP INDEX spans_by_trace_start;
                    CREATE UNIQUE INDEX spans_by_trace_start ON spans (trace_id, start_unix_nano, span_id);
                    DROP INDEX spans_by_id;
                    """)
        }
        return migrator
    }
}
