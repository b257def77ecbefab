//! What the bus's tests start from: a store on a real SQLite file holding one member in
//! one group.

use quid_shared::Id;

use crate::store::{Store, StoreError, StoreOptions, groups, users};

/// The store, its directory (kept as long as it), and the member and group in it.
pub(super) struct Seeded {
    pub(super) dir: tempfile::TempDir,
    pub(super) store: Store,
    pub(super) user: Id,
    pub(super) group: Id,
}

/// A new store with user "ann" in group "g".
pub(super) async fn seeded() -> Seeded {
    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions {
        max_batch: 64,
        readers: 2,
        writer_cache_kib: 2048,
        with_bus: false,
    };
    let store = Store::open(&dir.path().join("t.db"), options).unwrap();
    let (user, group) = store
        .write(|ctx| -> Result<_, StoreError> {
            let user = users::insert(ctx.conn(), "ann", "x")?
                .ok_or_else(|| StoreError::Corrupt("taken".into()))?
                .id;
            Ok((user, groups::create(ctx.conn(), user, "g", None)?))
        })
        .await
        .unwrap();
    Seeded {
        dir,
        store,
        user,
        group,
    }
}
