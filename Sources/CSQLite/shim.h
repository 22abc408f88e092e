#include <sqlite3.h>

// sqlite3_config is variadic, which Swift does not import.

// Turns off SQLite's memory statistics: with them on (the default), every allocation SQLite
// makes takes one process-wide mutex. Takes effect only before SQLite initializes (before the
// first connection opens); later it returns SQLITE_MISUSE and changes nothing.
static inline int csqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
