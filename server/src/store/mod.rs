//! Persistence, on one of two engines: embedded SQLite in the data directory ([`sqlite`],
//! the default) or a PostgreSQL database that several nodes share ([`postgres`]). Either
//! way, one writer thread commits in batches (group commit), and a few reading
//! connections serve reads so they never wait for the writer.
//!
//! Every query is written once against [`sql::Sql`], which each engine implements beside
//! its own SQL (schema, sequencing, search).
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
pub mod commitments;
mod draft;
mod error;
pub mod groups;
pub mod invites;
pub mod messages;
pub mod migrate;
pub mod postgres;
mod readers;
pub mod reads;
pub mod search;
pub mod sessions;
pub mod sql;
pub mod sqlite;
pub mod users;
pub mod versions;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

pub use draft::{Draft, Recipient};
pub use error::StoreError;
pub use sql::{Conn, Dialect};
pub use writer::WriteCtx;

use readers::{OpenReader, Readers};
use sql::WriteConn;
use sqlite::indexer::Indexer;
use writer::{Command, Job};

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file (the embedded default: `quid.db` in the data directory).
    Sqlite(PathBuf),
    /// A PostgreSQL database, by connection URL; several nodes may share it.
    Postgres(String),
}

/// What an engine hands the store when it opens.
struct Opened {
    /// Held as long as the store: what keeps other servers from using the database in a
    /// way this one cannot run beside (PostgreSQL's node lock).
    guard: Option<Box<dyn Send>>,
    writer: Box<dyn WriteConn>,
    /// Told after each commit.
    on_commit: Box<dyn FnMut() + Send>,
    open_reader: OpenReader,
    /// SQLite's full-text indexer (PostgreSQL indexes in its own transactions).
    indexer: Option<Indexer>,
    /// The engine's own threads, joined after the writer's.
    threads: Vec<JoinHandle<()>>,
}

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
    /// Whether other nodes share the database through a bus. On PostgreSQL a node
    /// without one must be alone there, and is refused when another node runs.
    pub with_bus: bool,
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    commands: mpsc::Sender<Command>,
    readers: Arc<Readers>,
    indexer: Option<Arc<Indexer>>,
    dialect: Dialect,
    /// The writer's thread, then the engine's (SQLite's checkpointer, which ends after
    /// the writer, and its search indexer).
    threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
    /// Given up by [`shutdown`](Self::shutdown), so a server started next in the same
    /// process may take it while clones of this store are still being dropped.
    guard: Arc<Mutex<Option<Box<dyn Send>>>>,
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
    /// Opens (creating if needed) the SQLite database at `path`, applies migrations and
    /// starts the writer thread.
    pub fn open(path: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        Store::start(sqlite::open(path, options)?, Dialect::Sqlite, options)
    }

    /// Opens the database, of either engine, applying migrations.
    pub fn connect(database: &Database, options: StoreOptions) -> Result<Store, StoreError> {
        match database {
            Database::Sqlite(path) => Store::open(path, options),
            Database::Postgres(url) => Store::start(
                postgres::open(url, options.with_bus)?,
                Dialect::Postgres,
                options,
            ),
        }
    }

    fn start(opened: Opened, dialect: Dialect, options: StoreOptions) -> Result<Store, StoreError> {
        let readers = Readers::open(opened.open_reader, options.readers.max(1))?;
        let (commands, rx) = mpsc::channel(options.max_batch.max(1) * 4);
        let (conn, on_commit) = (opened.writer, opened.on_commit);
        let writer = std::thread::Builder::new()
            .name("quid-store-writer".into())
            .spawn(move || writer::run(conn, rx, options.max_batch.max(1), on_commit))?;
        let mut threads = vec![writer];
        threads.extend(opened.threads);
        Ok(Store {
            commands,
            readers: Arc::new(readers),
            indexer: opened.indexer.map(Arc::new),
            dialect,
            threads: Arc::new(Mutex::new(threads)),
            guard: Arc::new(Mutex::new(opened.guard)),
        })
    }

    /// The engine this store runs on.
    pub fn dialect(&self) -> Dialect {
        self.dialect
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
        F: FnOnce(&dyn sql::Sql) -> Result<T, StoreError> + Send + 'static,
    {
        self.readers.read(f).await
    }

    /// Waits until every message stored before the call can be found by search.
    pub async fn search_caught_up(&self) -> Result<(), StoreError> {
        match &self.indexer {
            Some(indexer) => indexer.caught_up().await,
            // PostgreSQL's index is kept in the writing transaction
            None => Ok(()),
        }
    }

    /// Commits everything queued so far, stops the writer and waits for it (and the last
    /// checkpoint, and the search indexer) to finish. Later writes fail with
    /// [`StoreError::Closed`].
    pub async fn shutdown(&self) {
        let _ = self.commands.send(Command::Stop).await;
        if let Some(indexer) = &self.indexer {
            indexer.stop();
        }
        let threads = self
            .threads
            .lock()
            .map(|mut threads| std::mem::take(&mut *threads))
            .unwrap_or_default();
        let guard = self.guard.lock().ok().and_then(|mut guard| guard.take());
        let _ = tokio::task::spawn_blocking(move || {
            for thread in threads {
                let _ = thread.join();
            }
            drop(guard);
        })
        .await;
    }
}
