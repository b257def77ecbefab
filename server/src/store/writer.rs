//! The writer thread: owns the one read-write connection, drains queued write closures,
//! runs them in one transaction (group commit), commits, runs their after-commit effects
//! in commit order, and only then answers the callers. It tells the engine of every
//! commit (SQLite's checkpointer copies it into the database file).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use tokio::sync::mpsc;

use super::StoreError;
use super::groups::Membership;
use super::sql::{Dialect, Sql, WriteConn};
use quid_shared::Id;

/// Answers a caller once the batch's commit is known.
pub(super) type Completion = Box<dyn FnOnce(Result<(), StoreError>) + Send>;
/// A write closure: runs in the transaction, says whether it succeeded, and returns how
/// to answer its caller.
pub(super) type Work = Box<dyn FnOnce(&mut WriteCtx<'_>) -> (bool, Completion) + Send>;

/// A write closure and how to undo it if it fails.
pub(super) struct Job {
    pub(super) work: Work,
    /// Run it inside its own savepoint, so that a failure undoes its writes. A closure
    /// whose only write is one statement, made last, needs none: a failing statement
    /// undoes itself, and the savepoint would cost two statements and a sub-journal copy
    /// of every page the closure touches.
    pub(super) savepoint: bool,
}

/// Work to do right after a successful commit, before callers are answered.
type Effect = Box<dyn FnOnce() + Send>;

pub(super) enum Command {
    Job(Job),
    /// Finish what is queued, then exit.
    Stop,
}

/// Most memberships [`Known`] remembers before it starts over.
const KNOWN_MEMBERS: usize = 100_000;

/// What the writer knows without asking the database. Safe because this thread is the
/// only writer of its SQLite database; on PostgreSQL, where other nodes write too, it is
/// never used (the database assigns `seq` and answers every membership check). Dropped whenever a closure or a commit fails, since an entry may then
/// describe a write that was rolled back.
#[derive(Default)]
struct Known {
    /// The last `seq` of each group.
    heads: HashMap<Id, i64>,
    /// `(group, user)` pairs found to be memberships. Added when the database says so,
    /// removed with the membership ([`super::groups::remove_member`]), so a message's
    /// membership check is usually a hash lookup.
    members: HashSet<(Id, Id)>,
}

impl Known {
    fn clear(&mut self) {
        self.heads.clear();
        self.members.clear();
    }
}

/// What a write closure sees: the open transaction, what the writer knows (seq heads,
/// memberships), and a place to register effects that must run after the commit (e.g.
/// publishing a message).
pub struct WriteCtx<'a> {
    conn: &'a dyn Sql,
    known: &'a mut Known,
    effects: &'a mut Vec<Effect>,
}

impl WriteCtx<'_> {
    /// The connection, inside the batch's transaction.
    pub fn conn(&self) -> &dyn Sql {
        self.conn
    }

    /// Reserves the next `seq` of `group`. On PostgreSQL the database assigns it, and the
    /// group's row stays locked until the commit, so `seq` order is commit order on every
    /// node.
    pub fn next_seq(&mut self, group: Id) -> Result<i64, StoreError> {
        if self.conn.dialect() == Dialect::Postgres {
            return super::postgres::next_seq(self.conn, group);
        }
        let head = match self.known.heads.get(&group) {
            Some(head) => *head,
            None => super::messages::head(self.conn, group)?,
        };
        self.known.heads.insert(group, head + 1);
        Ok(head + 1)
    }

    /// Gives back `seq` of `group`, reserved by [`next_seq`](Self::next_seq) but not
    /// stored (the insert found the message already there), if it is still the last one.
    pub fn unuse_seq(&mut self, group: Id, seq: i64) -> Result<(), StoreError> {
        if self.conn.dialect() == Dialect::Postgres {
            return super::postgres::unuse_seq(self.conn, group, seq);
        }
        if self.known.heads.get(&group) == Some(&seq) {
            self.known.heads.insert(group, seq - 1);
        }
        Ok(())
    }

    /// Where `user` stands with `group`, from memory when the membership is known.
    pub fn membership(&mut self, group: Id, user: Id) -> Result<Membership, StoreError> {
        let cached = self.conn.dialect() == Dialect::Sqlite;
        if cached && self.known.members.contains(&(group, user)) {
            return Ok(Membership::Member);
        }
        let found = super::groups::membership(self.conn, group, user)?;
        if cached && found == Membership::Member {
            if self.known.members.len() >= KNOWN_MEMBERS {
                self.known.members.clear();
            }
            self.known.members.insert((group, user));
        }
        Ok(found)
    }

    /// Forgets that `user` is a member of `group` (the membership is being deleted).
    pub(super) fn forget_member(&mut self, group: Id, user: Id) {
        self.known.members.remove(&(group, user));
    }

    /// Runs `effect` after the transaction commits (in commit order, before any caller of
    /// this batch is answered); dropped if this closure or the commit fails.
    pub fn after_commit(&mut self, effect: impl FnOnce() + Send + 'static) {
        self.effects.push(Box::new(effect));
    }
}

pub(super) fn run(
    conn: Box<dyn WriteConn>,
    mut rx: mpsc::Receiver<Command>,
    max_batch: usize,
    mut on_commit: Box<dyn FnMut() + Send>,
) {
    let commit_latency = metrics::histogram!("quid_store_commit_seconds");
    let batch_size = metrics::histogram!("quid_store_batch_size");
    let mut known = Known::default();
    let mut batch: Vec<Job> = Vec::with_capacity(max_batch);
    let mut pending = Pending::default();
    let mut stop = false;
    // jobs a batch left for the next one run before the writer waits or stops
    while !stop || !batch.is_empty() {
        if batch.is_empty() {
            match rx.blocking_recv() {
                Some(Command::Job(job)) => batch.push(job),
                Some(Command::Stop) | None => break,
            }
        }
        while !stop && batch.len() < max_batch {
            match rx.try_recv() {
                Ok(Command::Job(job)) => batch.push(job),
                Ok(Command::Stop) => {
                    stop = true;
                    break;
                }
                Err(_) => break,
            }
        }
        batch_size.record(batch.len() as f64);
        let started = Instant::now();
        if run_batch(conn.as_ref(), &mut known, &mut batch, &mut pending) {
            on_commit();
        }
        commit_latency.record(started.elapsed().as_secs_f64());
    }
    // Anything still queued after Stop is refused: dropping the jobs drops their
    // answer channels, so their callers see `StoreError::Closed`.
    rx.close();
    tracing::debug!("store writer stopped");
}

/// What a batch leaves to do after its commit. Kept from batch to batch: a batch of
/// thousands of writes would otherwise allocate and free tens of KiB of vectors each
/// time, and glibc consolidates its free lists on every free that large.
#[derive(Default)]
struct Pending {
    effects: Vec<Effect>,
    completions: Vec<Completion>,
}

/// Most savepoints in one PostgreSQL transaction. A savepoint that writes is a
/// subtransaction; past 64 of them in one transaction PostgreSQL stops caching them and
/// every backend's visibility checks read `pg_subtrans` instead, which cut the writer to a
/// quarter of its speed. Jobs beyond the limit wait for the next batch.
const PG_SAVEPOINTS: usize = 60;

/// Runs and commits one batch; whether it committed. Leaves `pending` empty, and in
/// `batch` only the jobs left for the next batch (on PostgreSQL, see below).
///
/// A job without a savepoint writes one statement, last: on SQLite a failing statement
/// undoes itself. On PostgreSQL it spoils the whole transaction instead, so when such a
/// job fails there and the transaction is found aborted, the batch is rolled back: the
/// jobs that ran before it are answered with a commit error (nothing of them was stored),
/// the failing one with its own error, and the jobs not yet run wait for the next batch.
fn run_batch(
    conn: &dyn WriteConn,
    known: &mut Known,
    batch: &mut Vec<Job>,
    pending: &mut Pending,
) -> bool {
    let postgres = conn.sql().dialect() == Dialect::Postgres;
    match conn.control("BEGIN") {
        Ok(()) => {}
        Err(e) => {
            tracing::error!(error = %e, "cannot begin a write transaction");
            known.clear();
            // Dropping the jobs drops their answer channels: callers see `Closed`.
            batch.clear();
            return false;
        }
    };
    let Pending {
        effects,
        completions,
    } = pending;
    let mut savepoints = 0;
    let mut spoiled = None;
    let mut leftover = Vec::new();
    let mut jobs = batch.drain(..);
    while let Some(job) = jobs.next() {
        if postgres && job.savepoint && savepoints == PG_SAVEPOINTS {
            leftover.push(job);
            leftover.extend(jobs.by_ref());
            break;
        }
        let mark = effects.len();
        if job.savepoint {
            savepoints += 1;
            if let Err(e) = conn.control("SAVEPOINT job") {
                tracing::error!(error = %e, "cannot open a savepoint");
            }
        }
        let mut ctx = WriteCtx {
            conn: conn.sql(),
            known,
            effects,
        };
        let (ok, complete) = (job.work)(&mut ctx);
        if !ok {
            effects.truncate(mark);
            known.clear();
        }
        let closed = match (job.savepoint, ok) {
            (false, _) => Ok(()),
            (true, true) => conn.control("RELEASE job"),
            (true, false) => conn
                .control("ROLLBACK TO job")
                .and_then(|()| conn.control("RELEASE job")),
        };
        if let Err(e) = closed {
            tracing::error!(error = %e, "cannot close a savepoint");
        }
        if postgres && !ok && !job.savepoint && conn.control("SELECT 1").is_err() {
            spoiled = Some(complete);
            leftover.extend(jobs.by_ref());
            break;
        }
        completions.push(complete);
    }
    drop(jobs);
    batch.append(&mut leftover);
    if let Some(failed) = spoiled {
        tracing::warn!(
            rolled_back = completions.len(),
            "a write failed inside the transaction; its batch is rolled back"
        );
        let _ = conn.control("ROLLBACK");
        known.clear();
        effects.clear();
        failed(Ok(()));
        for complete in completions.drain(..) {
            complete(Err(StoreError::Commit(
                "another write of the same transaction failed; nothing was stored, try again"
                    .into(),
            )));
        }
        return false;
    }
    match conn.control("COMMIT") {
        Ok(()) => {
            for effect in effects.drain(..) {
                effect();
            }
            for complete in completions.drain(..) {
                complete(Ok(()));
            }
            true
        }
        Err(e) => {
            tracing::error!(error = %e, "write batch failed to commit");
            // a transaction that failed to commit may still be open
            let _ = conn.control("ROLLBACK");
            known.clear();
            effects.clear();
            let message = e.to_string();
            for complete in completions.drain(..) {
                complete(Err(StoreError::Commit(message.clone())));
            }
            false
        }
    }
}
