//! The embedded engine: SQLite in WAL mode in the data directory. One writer connection
//! (the writer thread's), read-only connections for the readers, WAL checkpoints on a
//! thread of their own ([`checkpoint`]) and the full-text index in a file of its own
//! ([`indexer`]). Its schema is in [`migrations`].

pub(super) mod checkpoint;
pub(super) mod indexer;
pub mod migrations;
pub(super) mod search;

use std::path::Path;

use rusqlite::config::DbConfig;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OpenFlags, params_from_iter};

use super::sql::{Arg, Dialect, Sql, SqlRow, WriteConn};
use super::{Opened, StoreError, StoreOptions};
use checkpoint::Checkpointer;
use indexer::Indexer;

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Arg::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Arg::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Arg::Id(id) => ToSqlOutput::Owned(Value::Text(id.to_string())),
            Arg::Null => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}

impl SqlRow for rusqlite::Row<'_> {
    fn opt_int(&self, column: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.get(column)?)
    }

    fn opt_text(&self, column: usize) -> Result<Option<String>, StoreError> {
        Ok(self.get(column)?)
    }
}

impl Sql for Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<usize, StoreError> {
        Ok(self
            .prepare_cached(sql)?
            .execute(params_from_iter(args.iter()))?)
    }

    fn insert(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<i64>, StoreError> {
        let inserted = Sql::execute(self, sql, args)?;
        Ok((inserted > 0).then(|| self.last_insert_rowid()))
    }

    fn control(&self, sql: &str) -> Result<(), StoreError> {
        self.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    fn each(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        row: &mut dyn FnMut(&dyn SqlRow) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        let mut statement = self.prepare_cached(sql)?;
        let mut rows = statement.query(params_from_iter(args.iter()))?;
        while let Some(r) = rows.next()? {
            if !row(r)? {
                break;
            }
        }
        Ok(())
    }
}

impl WriteConn for Connection {
    fn sql(&self) -> &dyn Sql {
        self
    }
}

/// Opens (creating if needed) the database at `path`, applies migrations, and starts the
/// checkpointer and the search indexer.
pub(super) fn open(path: &Path, options: StoreOptions) -> Result<Opened, StoreError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut conn = Connection::open(path)?;
    configure_writer(&conn, options.writer_cache_kib)?;
    migrations::apply(&mut conn)?;
    plan_once(&conn);
    // the index file exists before the readers attach it
    let (indexer, indexing) = Indexer::start(path)?;
    let (checkpointer, checkpoints) = Checkpointer::start(path)?;
    let reader_path = path.to_path_buf();
    Ok(Opened {
        // the data directory's lock is the server's (`DataDirLock`)
        guard: None,
        writer: Box::new(conn),
        on_commit: Box::new(move || checkpointer.committed()),
        open_reader: Box::new(move || Ok(Box::new(open_reader(&reader_path)?))),
        indexer: Some(indexer),
        threads: vec![checkpoints, indexing],
    })
}

fn configure_writer(conn: &Connection, cache_kib: usize) -> Result<(), StoreError> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // In WAL mode NORMAL is durable across process crashes (the ack-after-commit
    // guarantee); only a power loss can drop the last transactions.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "busy_timeout", 5000)?;
    // Checkpoints are the checkpointer's; this is the backstop (see [`checkpoint`]).
    conn.pragma_update(
        None,
        "wal_autocheckpoint",
        checkpoint::WRITER_BACKSTOP_PAGES,
    )?;
    // negative: a size in KiB rather than in pages
    conn.pragma_update(None, "cache_size", -(cache_kib.max(64) as i64))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.pragma_update(None, "busy_timeout", 5000)?;
    let index = indexer::index_path(path);
    conn.execute(
        "ATTACH DATABASE ?1 AS search",
        [index.to_string_lossy().as_ref()],
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    plan_once(&conn);
    Ok(conn)
}

/// Turns on SQLite's query planner stability guarantee: without it, a cached statement
/// whose plan might depend on a bound value (e.g. the `(author, client_id)` lookup every
/// send makes) is parsed and planned again on every execution, which cost the writer
/// half of its time per message.
fn plan_once(conn: &Connection) {
    if let Err(e) = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true) {
        tracing::warn!(error = %e, "cannot enable the query planner stability guarantee");
    }
}
