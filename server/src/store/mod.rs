//! SQLite persistence in WAL mode: one writer thread that commits in batches (group
//! commit), and a few read-only connections so reads never wait for the writer.
//!
//! WAL checkpoints run on a thread of their own ([`checkpoint`]), and so does the full-text
//! index, in a file of its own (`indexer`).
//!
//! Writes are closures run by the writer inside the batch's transaction ([`Store::write`]);
//! each runs in its own savepoint, so one failing closure does not undo the others
//! ([`Store::write_one`] skips the savepoint for a closure that writes one statement). A
//! caller is answered only after the batch's `COMMIT` returned: acknowledged means durable.
//! Reads are closures run on a reader connection ([`Store::read`]). The query functions
//! live in [`users`], [`sessions`], [`groups`], [`invites`], [`messages`],
//! [`commitments`] and [`versions`]; changes of stored messages in [`changes`], read
//! positions in [`reads`], full-text search in [`search`].

pub mod changes;
mod checkpoint;
pub mod commitments;
mod draft;
mod error;
pub mod groups;
mod indexer;
pub mod invites;
pub mod messages;
pub mod migrations;
mod readers;
pub mod reads;
pub mod search;
pub mod sessions;
pub mod users;
pub mod versions;
mod writer;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

pub use draft::{Draft, Recipient};
pub use error::StoreError;
pub use writer::WriteCtx;

use checkpoint::Checkpointer;
use indexer::Indexer;
use readers::Readers;
use writer::{Command, Job};

/// Sizes of the store's queues and pools.
#[derive(Debug, Clone, Copy)]
pub struct StoreOptions {
    /// Most write closures committed in one transaction.
    pub max_batch: usize,
    /// Read-only connections (and so concurrent reads).
    pub readers: usize,
    /// The writer connection's page cache in KiB: the indexes' pages it keeps instead of
    /// reading them back from the file on every insert.
    pub writer_cache_kib: usize,
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    commands: mpsc::Sender<Command>,
    readers: Arc<Readers>,
    indexer: Arc<Indexer>,
    /// The writer's thread, then the checkpointer's (which ends after the writer), then
    /// the search indexer's.
    threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

/// Current time as Unix milliseconds, the unit every stored time uses.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Converts stored Unix milliseconds back to a timestamp.
pub fn from_ms(ms: i64) -> Result<time::OffsetDateTime, StoreError> {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {ms}: {e}")))
}

/// Parses a stored UUID.
pub fn parse_id(s: &str) -> Result<quid_shared::Id, StoreError> {
    quid_shared::Id::parse_str(s).map_err(|e| StoreError::Corrupt(format!("id {s:?}: {e}")))
}

impl Store {
    /// Opens (creating if needed) the database at `path`, applies migrations and starts
    /// the writer thread.
    pub fn open(path: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = Connection::open(path)?;
        configure_writer(&conn, options.writer_cache_kib)?;
        migrations::apply(&mut conn)?;
        // the index file exists before the readers attach it
        let (indexer, indexing) = Indexer::start(path)?;
        let readers = Readers::open(path, options.readers.max(1))?;
        let (checkpointer, checkpoints) = Checkpointer::start(path)?;
        let (commands, rx) = mpsc::channel(options.max_batch.max(1) * 4);
        let writer = std::thread::Builder::new()
            .name("quid-store-writer".into())
            .spawn(move || writer::run(conn, rx, options.max_batch.max(1), checkpointer))?;
        Ok(Store {
            commands,
            readers: Arc::new(readers),
            indexer: Arc::new(indexer),
            threads: Arc::new(Mutex::new(vec![writer, checkpoints, indexing])),
        })
    }

    /// Runs `f` in the writer's current transaction. Returns its value once the
    /// transaction has committed; if `f` fails, only its own changes are rolled back and
    /// its error is returned.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut WriteCtx<'_>) -> Result<T, E> + Send + 'static,
    {
        self.submit(f, true).await
    }

    /// [`write`](Self::write) for a closure whose only change to the database is one
    /// statement, made as its last step (checks first, then e.g. one `INSERT`): if it
    /// fails, it has changed nothing, so it runs without a savepoint of its own.
    pub async fn write_one<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut WriteCtx<'_>) -> Result<T, E> + Send + 'static,
    {
        self.submit(f, false).await
    }

    async fn submit<T, E, F>(&self, f: F, savepoint: bool) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut WriteCtx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let work: writer::Work = Box::new(move |ctx| {
            let result = f(ctx);
            let ok = result.is_ok();
            let complete: writer::Completion = Box::new(move |commit| {
                let answer = match commit {
                    Ok(()) => result,
                    Err(e) => Err(E::from(e)),
                };
                let _ = tx.send(answer);
            });
            (ok, complete)
        });
        self.commands
            .send(Command::Job(Job { work, savepoint }))
            .await
            .map_err(|_| E::from(StoreError::Closed))?;
        rx.await.map_err(|_| E::from(StoreError::Closed))?
    }

    /// Runs `f` on a read-only connection, off the async threads.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.readers.read(f).await
    }

    /// Waits until every message stored before the call can be found by search.
    pub async fn search_caught_up(&self) -> Result<(), StoreError> {
        self.indexer.caught_up().await
    }

    /// Commits everything queued so far, stops the writer and waits for it (and the last
    /// checkpoint, and the search indexer) to finish. Later writes fail with
    /// [`StoreError::Closed`].
    pub async fn shutdown(&self) {
        let _ = self.commands.send(Command::Stop).await;
        self.indexer.stop();
        let threads = self
            .threads
            .lock()
            .map(|mut threads| std::mem::take(&mut *threads))
            .unwrap_or_default();
        let _ = tokio::task::spawn_blocking(move || {
            for thread in threads {
                let _ = thread.join();
            }
        })
        .await;
    }
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
