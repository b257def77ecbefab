//! The PostgreSQL schema as an ordered list of migrations, recorded in
//! `schema_migrations`. Nodes starting at once on an empty database take an advisory
//! lock first, so the migrations run once: the others wait, then find them applied.

use ::postgres::Client;

use crate::store::StoreError;

/// One schema step.
struct Migration {
    name: &'static str,
    sql: &'static str,
}

/// Every migration, oldest first.
const MIGRATIONS: &[Migration] = &[Migration {
    name: "0001_schema",
    sql: include_str!("migrations/0001_schema.sql"),
}];

/// The advisory lock key that serialises migrations ("quid" in ASCII).
const LOCK: i64 = 0x7175_6964;

/// Brings the database up to the newest schema; how many migrations this call applied.
pub fn apply(client: &mut Client) -> Result<usize, StoreError> {
    // under the lock: `CREATE TABLE IF NOT EXISTS` run by two sessions at once can fail
    // in both (on the catalog's unique index)
    client.execute("SELECT pg_advisory_lock($1)", &[&LOCK])?;
    let applied = apply_locked(client);
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&LOCK]);
    let applied = applied?;
    unlocked?;
    Ok(applied)
}

fn apply_locked(client: &mut Client) -> Result<usize, StoreError> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    let current: i64 = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > MIGRATIONS.len() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: MIGRATIONS.len(),
        });
    }
    let mut applied = 0;
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(current) {
        let mut tx = client.transaction()?;
        tx.batch_execute(migration.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&((index + 1) as i64), &migration.name],
        )?;
        tx.commit()?;
        applied += 1;
        tracing::info!(migration = migration.name, "applied schema migration");
    }
    Ok(applied)
}
