//! Read-only SQLite connections, used from the blocking thread pool so reads never run on
//! the async threads and never wait for the writer (WAL readers see the last commit).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

use super::StoreError;

/// A small pool: at most `size` reads run at once, each on its own connection.
pub(super) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

impl Readers {
    pub(super) fn open(path: &Path, size: usize) -> Result<Readers, StoreError> {
        let mut idle = Vec::with_capacity(size);
        for _ in 0..size {
            idle.push(open_reader(path)?);
        }
        Ok(Readers {
            path: path.to_path_buf(),
            idle: Mutex::new(idle),
            permits: Arc::new(Semaphore::new(size)),
        })
    }

    pub(super) async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Closed)?;
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let conn = this.take()?;
            let result = f(&conn);
            this.put(conn);
            drop(permit);
            result
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }

    fn take(&self) -> Result<Connection, StoreError> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match pooled {
            Some(conn) => Ok(conn),
            None => open_reader(&self.path),
        }
    }

    fn put(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }
}

fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.pragma_update(None, "busy_timeout", 5000)?;
    let index = super::indexer::index_path(path);
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
pub(super) fn plan_once(conn: &Connection) {
    if let Err(e) = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true) {
        tracing::warn!(error = %e, "cannot enable the query planner stability guarantee");
    }
}
