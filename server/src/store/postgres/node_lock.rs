//! Who else may use this PostgreSQL database. A node without a bus must be the only node:
//! other nodes' messages would reach its members only when they reconnect. So it holds an
//! exclusive advisory lock for as long as it runs, and nodes with a bus hold the same lock
//! shared: a second node without a bus, or a node with a bus beside one without, refuses
//! to start and says why. The lock lives on a connection of its own, and PostgreSQL
//! releases it when that connection ends, so a node killed with `kill -9` leaves nothing
//! behind. The key includes the schema, so servers on different schemas of one database
//! do not see each other.

use std::time::{Duration, Instant};

use super::PgConn;
use crate::store::StoreError;

/// How long a starting node waits for the lock: a restart may overlap with the end of
/// the process it replaces, whose connection PostgreSQL closes a moment later.
const PATIENCE: Duration = Duration::from_secs(5);

/// First half of the lock's two-part key ("quin"); the migrations' lock has a one-part
/// key, which PostgreSQL keeps apart from two-part ones.
const CLASS: i32 = 0x7175_696e;

/// The held lock; released when dropped (or when the process ends).
pub struct NodeLock {
    _conn: PgConn,
}

impl NodeLock {
    /// Takes the lock on the database at `url`: shared when the nodes reach each other
    /// through a bus, else exclusive.
    pub fn take(url: &str, with_bus: bool) -> Result<NodeLock, StoreError> {
        let mut conn = PgConn::connect(url)?;
        let sql = if with_bus {
            "SELECT pg_try_advisory_lock_shared($1, hashtext(current_schema()))"
        } else {
            "SELECT pg_try_advisory_lock($1, hashtext(current_schema()))"
        };
        let started = Instant::now();
        loop {
            let taken: bool = conn.client_mut()?.query_one(sql, &[&CLASS])?.get(0);
            if taken {
                return Ok(NodeLock { _conn: conn });
            }
            if started.elapsed() >= PATIENCE {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(StoreError::InUse(if with_bus {
            "a node without --bus is using this database: stop it, or start every node \
             with the same --bus"
                .into()
        } else {
            "another node is using this database: several nodes must share a --bus \
             (Redis) to reach each other's members, or stop the other node"
                .into()
        }))
    }
}
