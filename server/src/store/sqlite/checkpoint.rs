//! WAL checkpoints on a thread of their own, so the writer never stops between two
//! batches to copy pages into the database file and `fsync` it.
//!
//! The writer tells the checkpointer after each commit ([`Checkpointer::committed`], which
//! never blocks); the checkpointer copies what was committed with a `PASSIVE` checkpoint
//! (it waits for nobody and nobody waits for it), then rests for [`PERIOD`], so commits
//! meanwhile are copied together. The writer keeps SQLite's automatic checkpoint only as a
//! backstop at [`WRITER_BACKSTOP_PAGES`]: a passive checkpoint cannot rewind the WAL while
//! the writer keeps appending to it, and the writer's own checkpoint (between its
//! transactions) always can.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::store::StoreError;

/// Rest between two checkpoints: commits meanwhile are copied by one.
const PERIOD: Duration = Duration::from_millis(200);

/// WAL pages after which the writer checkpoints by itself (about 40 MiB): reached only
/// when the background checkpoints fall behind or cannot rewind the WAL.
pub(in crate::store) const WRITER_BACKSTOP_PAGES: u32 = 10_000;

/// The writer's end: says that something was committed.
pub(in crate::store) struct Checkpointer {
    commits: SyncSender<()>,
}

impl Checkpointer {
    /// Opens a connection to the database at `path` and starts the checkpoint thread. It
    /// ends once this handle is dropped (the writer is gone), after a last checkpoint.
    pub(in crate::store) fn start(
        path: &Path,
    ) -> Result<(Checkpointer, JoinHandle<()>), StoreError> {
        let conn = Connection::open(path)?;
        // Checkpoints sync the WAL, then the database file, whatever this says; NORMAL
        // only keeps this connection from syncing more than the writer's.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let (commits, rx) = mpsc::sync_channel(1);
        let handle = std::thread::Builder::new()
            .name("quid-store-ckpt".into())
            .spawn(move || run(&conn, &rx))?;
        Ok((Checkpointer { commits }, handle))
    }

    /// Called by the writer after each commit; never blocks (one pending signal is enough).
    pub(in crate::store) fn committed(&self) {
        match self.commits.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) => {}
            Err(TrySendError::Disconnected(())) => {
                tracing::warn!("the checkpoint thread is gone; the writer checkpoints alone");
            }
        }
    }
}

fn run(conn: &Connection, commits: &Receiver<()>) {
    while commits.recv().is_ok() {
        checkpoint(conn);
        std::thread::sleep(PERIOD);
    }
    // The writer is gone: copy what it committed last.
    checkpoint(conn);
    tracing::debug!("store checkpointer stopped");
}

/// Copies committed WAL frames into the database file, as far as readers allow.
fn checkpoint(conn: &Connection) {
    let copied = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
    });
    match copied {
        Ok((log, done)) => tracing::trace!(log, done, "checkpoint"),
        Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::store::{Store, StoreError, StoreOptions};

    /// Committed pages reach the database file while the WAL is far below the writer's
    /// own checkpoint threshold: the background checkpoint copied them.
    #[tokio::test]
    async fn commits_reach_the_database_file_without_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("quid.db");
        let options = StoreOptions {
            max_batch: 64,
            readers: 1,
            writer_cache_kib: 2048,
            with_bus: false,
        };
        let store = Store::open(&path, options).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        store
            .write(|ctx| -> Result<(), StoreError> {
                ctx.conn().control("CREATE TABLE filler (data BLOB)")?;
                ctx.conn().control(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                     INSERT INTO filler SELECT zeroblob(4000) FROM n",
                )?;
                Ok(())
            })
            .await
            .unwrap();
        let grown = 200 * 4000;
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() < before + grown {
            assert!(Instant::now() < deadline, "nothing was checkpointed");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        store.shutdown().await;
    }
}
