//! The schema as an ordered list of migrations, applied in order and recorded in
//! `PRAGMA user_version` (= the number of migrations applied).
//!
//! To change the schema, append a migration (never edit or reorder a shipped one):
//! add `migrations/NNNN_what.sql` and one line at the end of [`MIGRATIONS`].

use rusqlite::Connection;

use crate::store::StoreError;

/// One schema step: a name for the logs and the SQL that performs it.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, oldest first. Migration `i` (0-based) brings `user_version` to `i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_initial",
        sql: include_str!("migrations/0001_initial.sql"),
    },
    Migration {
        name: "0002_commitments",
        sql: include_str!("migrations/0002_commitments.sql"),
    },
    Migration {
        name: "0003_security",
        sql: include_str!("migrations/0003_security.sql"),
    },
    Migration {
        name: "0004_chat",
        sql: include_str!("migrations/0004_chat.sql"),
    },
    Migration {
        name: "0005_commitment_versions",
        sql: include_str!("migrations/0005_commitment_versions.sql"),
    },
];

/// Brings the database up to the newest schema, one transaction per migration.
pub fn apply(conn: &mut Connection) -> Result<usize, StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > MIGRATIONS.len() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: MIGRATIONS.len(),
        });
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
        tracing::info!(migration = migration.name, "applied schema migration");
    }
    Ok(MIGRATIONS.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applying twice is a no-op and leaves `user_version` at the number of migrations.
    #[test]
    fn migrations_apply_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(apply(&mut conn).unwrap(), MIGRATIONS.len());
        assert_eq!(apply(&mut conn).unwrap(), MIGRATIONS.len());
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
    }

    /// A database from a newer server is refused instead of being misread.
    #[test]
    fn newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", MIGRATIONS.len() as i64 + 1)
            .unwrap();
        assert!(matches!(
            apply(&mut conn),
            Err(StoreError::SchemaTooNew { .. })
        ));
    }
}
