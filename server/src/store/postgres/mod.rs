//! The shared engine: a PostgreSQL database that several nodes use at once. It is the
//! sequencer and the history: each group's `seq` is taken from its row in the inserting
//! transaction ([`next_seq`]), so `seq`s have no gaps or duplicates whichever node
//! inserts, and a message's `seq` is visible only once every smaller one is. Its schema is
//! in [`migrations`]; search uses a `tsvector` index ([`search`]).

mod conn;
pub mod migrations;
mod node_lock;
pub mod search;

pub use conn::PgConn;
pub use node_lock::NodeLock;

use super::sql::{Conn, args};
use super::{Opened, StoreError};
use quid_shared::Id;

/// Connects the writer, applies migrations, takes the node lock ([`NodeLock`]: shared
/// when the nodes have a bus), and says how to open readers.
pub(super) fn open(url: &str, with_bus: bool) -> Result<Opened, StoreError> {
    let mut writer = PgConn::connect(url)?;
    migrations::apply(writer.client_mut()?)?;
    let lock = NodeLock::take(url, with_bus)?;
    let reader_url = url.to_owned();
    Ok(Opened {
        guard: Some(Box::new(lock)),
        writer: Box::new(writer),
        on_commit: Box::new(|| {}),
        open_reader: Box::new(move || Ok(Box::new(PgConn::connect(&reader_url)?))),
        indexer: None,
        threads: Vec::new(),
    })
}

/// Takes the next `seq` of `group`: the row stays locked until the transaction ends, so
/// other nodes' inserts into the group wait for this one's commit.
pub(super) fn next_seq(conn: &Conn, group: Id) -> Result<i64, StoreError> {
    conn.int(
        "UPDATE groups SET last_seq = last_seq + 1 WHERE id = ?1 RETURNING last_seq",
        args![group],
    )?
    .ok_or_else(|| StoreError::Corrupt(format!("no group {group} to number a message of")))
}

/// Gives back `seq` (taken but not used: the message was already there).
pub(super) fn unuse_seq(conn: &Conn, group: Id, seq: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE groups SET last_seq = last_seq - 1 WHERE id = ?1 AND last_seq = ?2",
        args![group, seq],
    )?;
    Ok(())
}
