//! Reading connections of either engine, used from the blocking thread pool so reads
//! never run on the async threads and never wait for the writer (a reader sees the last
//! commit).

use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use super::StoreError;
use super::sql::Sql;

/// A connection a reader owns.
pub(super) type ReadConn = Box<dyn Sql + Send>;

/// Opens one more reading connection.
pub(super) type OpenReader = Box<dyn Fn() -> Result<ReadConn, StoreError> + Send + Sync>;

/// A small pool: at most `size` reads run at once, each on its own connection.
pub(super) struct Readers {
    open: OpenReader,
    idle: Mutex<Vec<ReadConn>>,
    permits: Arc<Semaphore>,
}

impl Readers {
    pub(super) fn open(open: OpenReader, size: usize) -> Result<Readers, StoreError> {
        let mut idle = Vec::with_capacity(size);
        for _ in 0..size {
            idle.push(open()?);
        }
        Ok(Readers {
            open,
            idle: Mutex::new(idle),
            permits: Arc::new(Semaphore::new(size)),
        })
    }

    pub(super) async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Sql) -> Result<T, StoreError> + Send + 'static,
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
            let result = f(conn.as_ref());
            // a connection whose read failed may be broken (a lost PostgreSQL
            // connection): it is not given back, the next read opens a new one
            if result.is_ok() {
                this.put(conn);
            }
            drop(permit);
            result
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }

    fn take(&self) -> Result<ReadConn, StoreError> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match pooled {
            Some(conn) => Ok(conn),
            None => (self.open)(),
        }
    }

    fn put(&self, conn: ReadConn) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }
}
