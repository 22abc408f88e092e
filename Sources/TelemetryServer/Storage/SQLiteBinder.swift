import Foundation
import GRDB
import GRDBSQLite

/// Binds a row's values straight onto a prepared statement and runs it, skipping GRDB's
/// `StatementArguments` (an array of existentials per row, measured at a fifth of the writer's
/// time per span).
struct SQLiteBinder {
    private let statement: OpaquePointer
    private let database: Database
    private var index: Int32 = 0

    /// SQLite copies the bytes before the bind call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement, in database: Database) {
        self.statement = statement.sqliteStatement
        self.database = database
    }

    mutating func bind(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(statement, index, value)
    }

    mutating func bind(_ value: Int) { bind(Int64(value)) }

    mutating func bind(_ value: String) {
        index += 1
        var text = value
        text.withUTF8 { bytes in
            // A null pointer would bind NULL, not an empty string.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
                return
            }
            _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
                sqlite3_bind_text(statement, index, characters, Int32(bytes.count), Self.transient)
            }
        }
    }

    mutating func bind(_ value: Data?) {
        index += 1
        guard let value else {
            sqlite3_bind_null(statement, index)
            return
        }
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    mutating func bind(_ bytes: [UInt8]) {
        index += 1
        bytes.withUnsafeBytes { raw in
            // A null pointer would bind NULL, not an empty blob.
            _ = sqlite3_bind_blob(statement, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), Self.transient)
        }
    }

    /// Runs the statement with the bound values and makes it ready for the next row.
    mutating func step() throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        index = 0
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(database.sqliteConnection)))
        }
    }
}
