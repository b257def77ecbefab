//! The store's error type: what can go wrong talking to the database, apart from domain outcomes
//! (a taken username, a missing group), which the query functions return as values.

/// A failure of the database layer. Callers map it to "internal error" at the edge.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL reported an error.
    #[error("database error: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// The writer or the readers are gone (the server is shutting down).
    #[error("the store is shut down")]
    Closed,
    /// The batch's transaction could not be committed; nothing of it was stored.
    #[error("write transaction failed: {0}")]
    Commit(String),
    /// A stored value could not be read back (a bug or a hand-edited database).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database was written by a newer server with migrations this one lacks.
    #[error("database schema version {found} is newer than this server knows ({known})")]
    SchemaTooNew { found: usize, known: usize },
    /// Another server uses the database in a way this one cannot run beside.
    #[error("{0}")]
    InUse(String),
    /// The data directory could not be prepared.
    #[error("data directory: {0}")]
    Io(#[from] std::io::Error),
}
