//! The writer's group commit on PostgreSQL, where a failed statement spoils the whole
//! transaction: a write that fails there rolls its batch back, every answer still tells
//! the truth (an `Ok` was stored, an error was not), the writes not yet run go on in the
//! next batch, and the writer keeps serving. Skips (one line) without PostgreSQL unless
//! `CI` is set.

use anyhow::{Result, ensure};
use quid_server::store::sql::Arg;
use quid_server::store::{Database, Store, StoreError, StoreOptions};
use quid_tests::pg;

async fn stored(store: &Store, name: &str) -> Result<bool> {
    let name = name.to_owned();
    Ok(store
        .read(move |conn| conn.exists("SELECT 1 FROM probe WHERE name = ?1", &[Arg::Text(&name)]))
        .await?)
}

#[tokio::test]
async fn a_failed_write_rolls_back_its_batch_and_every_answer_is_true() -> Result<()> {
    let Some(url) = pg::fresh_schema_async().await? else {
        return Ok(());
    };
    let options = StoreOptions {
        max_batch: 64,
        readers: 1,
        writer_cache_kib: 2048,
        with_bus: false,
    };
    let store =
        tokio::task::spawn_blocking(move || Store::connect(&Database::Postgres(url), options))
            .await??;
    store
        .write(|ctx| {
            ctx.conn()
                .control("CREATE TABLE probe (name TEXT PRIMARY KEY)")
        })
        .await?;
    let insert = |name: String| {
        store.write_one(move |ctx| {
            ctx.conn()
                .execute("INSERT INTO probe VALUES (?1)", &[Arg::Text(&name)])
        })
    };
    let mut rolled_back = 0;
    for round in 0..20 {
        let (before, bad, after) = tokio::join!(
            insert(format!("before {round}")),
            store.write_one(|ctx| ctx
                .conn()
                .execute("INSERT INTO no_such_table VALUES (1)", &[])),
            insert(format!("after {round}")),
        );
        ensure!(bad.is_err(), "a statement on a missing table fails");
        match before {
            Ok(_) => ensure!(stored(&store, &format!("before {round}")).await?),
            Err(StoreError::Commit(_)) => {
                rolled_back += 1;
                ensure!(
                    !stored(&store, &format!("before {round}")).await?,
                    "an error was stored"
                );
            }
            Err(e) => return Err(e.into()),
        }
        after?;
        ensure!(
            stored(&store, &format!("after {round}")).await?,
            "the write after the failure was stored"
        );
    }
    eprintln!("{rolled_back} of 20 rounds shared a batch with the failure");
    store.shutdown().await;
    Ok(())
}
