//! PostgreSQL for the tests: each server (or cluster of nodes) gets a schema of its own in
//! the database named by `QUID_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`), so tests run side by side and start empty.
//! Tests that need PostgreSQL skip, saying why in one line, when it cannot be reached —
//! unless `CI` is set: then its absence is a failure.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};

/// The database the schemas are made in.
pub fn base_url() -> String {
    std::env::var("QUID_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Whether every in-process test server should run on PostgreSQL
/// (`QUID_TEST_ENGINE=postgres`), to run the whole suite on the second engine.
pub fn suite_on_postgres() -> bool {
    std::env::var("QUID_TEST_ENGINE").is_ok_and(|e| e == "postgres")
}

/// A URL of a new, empty schema; `None` (after one line on stderr) when PostgreSQL cannot
/// be reached and `CI` is not set.
pub fn fresh_schema() -> Result<Option<String>> {
    let base = base_url();
    let mut client = match postgres::Client::connect(&base, postgres::NoTls) {
        Ok(client) => client,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipped: PostgreSQL is not reachable at {base} ({e}); set CI to make this a failure"
            );
            return Ok(None);
        }
        Err(e) => bail!("PostgreSQL is not reachable at {base}, and CI is set: {e}"),
    };
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let schema = format!(
        "t{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        uuid::Uuid::new_v4().simple()
    );
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .with_context(|| format!("cannot create schema {schema}"))?;
    let separator = if base.contains('?') { '&' } else { '?' };
    Ok(Some(format!(
        "{base}{separator}options=-c%20search_path%3D{schema}"
    )))
}

/// [`fresh_schema`] from async code.
pub async fn fresh_schema_async() -> Result<Option<String>> {
    tokio::task::spawn_blocking(fresh_schema)
        .await
        .context("creating a schema panicked")?
}
