//! The full-text index of messages, kept in a database file of its own by a thread of its
//! own, so the writer never pays for it: indexing a message costs about as much as storing
//! it, and done in the writer's transactions it halved the rate of durable sends.
//!
//! The indexer reads what was committed (by message id, in order) and adds it to the
//! `texts` FTS5 table of `<name>-search.db` beside the database; an edit or a deletion (a
//! change message naming the `seq` it changed) re-indexes the message as it is now. It
//! follows the writer within [`PERIOD`], and a search first asks it to catch up
//! ([`Indexer::caught_up`]), so a search always sees every message stored before it began.
//! The index can be deleted at any time: it is rebuilt from the messages at the next start.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::oneshot;

use crate::store::StoreError;

/// How long new messages wait, at most, before they are indexed when nobody searches.
const PERIOD: Duration = Duration::from_millis(250);

/// Messages indexed per transaction of the index.
const BATCH: i64 = 20_000;

/// The index's schema: the texts, and how far the messages have been read.
const SCHEMA: &str = "
CREATE VIRTUAL TABLE IF NOT EXISTS texts USING fts5(
    content,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS indexed (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    upto INTEGER NOT NULL
);
";

/// The store's end: asks the indexer to catch up, and stops it.
pub(in crate::store) struct Indexer {
    requests: SyncSender<oneshot::Sender<()>>,
    stop: Arc<AtomicBool>,
}

/// The index file beside the database at `path` (`quid.db` → `quid-search.db`).
pub(in crate::store) fn index_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("quid");
    path.with_file_name(format!("{stem}-search.db"))
}

impl Indexer {
    /// Creates the index file if needed and starts the indexing thread.
    pub(in crate::store) fn start(path: &Path) -> Result<(Indexer, JoinHandle<()>), StoreError> {
        let index = Connection::open(index_path(path))?;
        index.pragma_update(None, "journal_mode", "WAL")?;
        // the index can always be rebuilt from the messages: it need not survive a power
        // loss, only stay consistent
        index.pragma_update(None, "synchronous", "OFF")?;
        index.execute_batch(SCHEMA)?;
        let messages = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        messages.pragma_update(None, "busy_timeout", 5000)?;
        let (requests, rx) = mpsc::sync_channel(64);
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("quid-store-index".into())
            .spawn(move || run(&index, &messages, &rx, &stopping))?;
        Ok((Indexer { requests, stop }, handle))
    }

    /// Returns once every message committed before the call is in the index (at once
    /// when many searches already wait: the catch-up they wait for is moments away).
    pub(in crate::store) async fn caught_up(&self) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        match self.requests.try_send(tx) {
            Ok(()) => rx.await.map_err(|_| StoreError::Closed),
            Err(mpsc::TrySendError::Full(_)) => Ok(()),
            Err(mpsc::TrySendError::Disconnected(_)) => Err(StoreError::Closed),
        }
    }

    /// Ends the thread after its current batch.
    pub(in crate::store) fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn run(
    index: &Connection,
    messages: &Connection,
    requests: &Receiver<oneshot::Sender<()>>,
    stop: &AtomicBool,
) {
    while !stop.load(Ordering::Relaxed) {
        let waiting = match requests.recv_timeout(PERIOD) {
            Ok(first) => {
                let mut waiting = vec![first];
                waiting.extend(requests.try_iter());
                waiting
            }
            Err(RecvTimeoutError::Timeout) => Vec::new(),
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if let Err(e) = index_new(index, messages) {
            tracing::warn!(error = %e, "indexing messages for search failed");
        }
        for asker in waiting {
            let _ = asker.send(());
        }
    }
    tracing::debug!("search indexer stopped");
}

/// Indexes every message committed since the last call, in batches.
fn index_new(index: &Connection, messages: &Connection) -> Result<(), StoreError> {
    loop {
        let upto: i64 = index
            .query_row("SELECT upto FROM indexed WHERE one = 1", [], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let mut read = messages.prepare_cached(
            "SELECT id, group_id, kind, content, json_extract(meta, '$.of') FROM messages
             WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows: Vec<(i64, String, String, String, Option<i64>)> = read
            .query_map(params![upto, BATCH], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        let Some(last) = rows.last().map(|r| r.0) else {
            return Ok(());
        };
        let tx = index.unchecked_transaction()?;
        for (id, group, kind, content, of) in &rows {
            match (kind.as_str(), of) {
                ("edit" | "delete", Some(seq)) => reindex(&tx, messages, group, *seq)?,
                ("reaction", _) => {}
                _ => add(&tx, *id, content)?,
            }
        }
        tx.execute(
            "INSERT INTO indexed (one, upto) VALUES (1, ?1)
             ON CONFLICT (one) DO UPDATE SET upto = excluded.upto",
            [last],
        )?;
        tx.commit()?;
        if (rows.len() as i64) < BATCH {
            return Ok(());
        }
    }
}

fn add(index: &Connection, id: i64, content: &str) -> Result<(), StoreError> {
    index
        .prepare_cached("INSERT INTO texts (rowid, content) VALUES (?1, ?2)")?
        .execute(params![id, content])?;
    Ok(())
}

/// The message `seq` of `group` as it is now replaces what the index holds of it.
fn reindex(
    index: &Connection,
    messages: &Connection,
    group: &str,
    seq: i64,
) -> Result<(), StoreError> {
    let now: Option<(i64, String)> = messages
        .prepare_cached("SELECT id, content FROM messages WHERE group_id = ?1 AND seq = ?2")?
        .query_row(params![group, seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, content)) = now else {
        return Ok(());
    };
    index
        .prepare_cached("DELETE FROM texts WHERE rowid = ?1")?
        .execute([id])?;
    if !content.is_empty() {
        add(index, id, &content)?;
    }
    Ok(())
}
