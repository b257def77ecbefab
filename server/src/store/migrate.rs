//! `quid-server migrate`: copies a single-node SQLite store into an empty PostgreSQL
//! database — every table, ids and `seq`s as they are — in one transaction, sets each
//! group's sequencer to its last `seq`, and checks that every table has as many rows on
//! both sides. A database that already holds accounts is refused, so running it twice
//! changes nothing.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::StoreError;
use super::postgres::{PgConn, migrations};
use super::sql::{Arg, Sql};

/// The tables in an order that keeps every reference valid, with the columns copied.
const TABLES: &[(&str, &str)] = &[
    (
        "users",
        "id, username, password_hash, created_at, deleted_at",
    ),
    (
        "groups",
        "id, name, description, created_by, created_at, topic",
    ),
    ("members", "group_id, user_id, joined_at, role"),
    (
        "messages",
        "id, group_id, seq, kind, author, content, private, target, reply_to, client_id, \
         created_at, meta",
    ),
    (
        "commitments",
        "id, group_id, creator, status, conditions, promises, source_text, source_message, \
         summary, created_at, revoked_at, version, meta",
    ),
    (
        "commitment_versions",
        "commitment_id, version, conditions, promises, summary, source_text, source_message, \
         meta, created_at, replaced_at",
    ),
    ("clarifications", "group_id, user_id, pending, created_at"),
    ("announced_liabilities", "group_id, liabilities"),
    (
        "sessions",
        "id, user_id, created_at, expires_at, ended_at, client, address",
    ),
    (
        "invites",
        "id, code_hash, group_id, created_by, created_at, expires_at, max_uses, uses, revoked_at",
    ),
    ("message_versions", "message_id, content, replaced_at"),
    ("reactions", "message_id, user_id, emoji, created_at"),
    ("read_markers", "group_id, user_id, seq"),
];

/// Rows copied per table, in [`TABLES`] order.
#[derive(Debug)]
pub struct Copied(pub Vec<(&'static str, i64)>);

/// Why a migration did not happen.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{0} has no quid.db: nothing to copy")]
    NoSource(String),
    #[error(
        "the target database already holds {0} accounts: refusing to copy into it (migrate \
         runs once, into an empty database)"
    )]
    NotEmpty(i64),
    #[error("table {table}: {source_rows} rows in SQLite but {target_rows} in PostgreSQL")]
    Mismatch {
        table: &'static str,
        source_rows: i64,
        target_rows: i64,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Copies the store in `data_dir` into the PostgreSQL database at `url`.
pub fn sqlite_to_postgres(data_dir: &Path, url: &str) -> Result<Copied, MigrateError> {
    let path = data_dir.join("quid.db");
    if !path.exists() {
        return Err(MigrateError::NoSource(data_dir.display().to_string()));
    }
    let source = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(StoreError::from)?;
    let mut target = PgConn::connect(url)?;
    migrations::apply(target.client_mut()?)?;
    let accounts = (&target as &dyn Sql)
        .int("SELECT COUNT(*) FROM users", &[])?
        .unwrap_or(0);
    if accounts > 0 {
        return Err(MigrateError::NotEmpty(accounts));
    }
    target.control("BEGIN")?;
    let copied = copy_all(&source, &target);
    match copied {
        Ok(copied) => {
            target.control("COMMIT")?;
            Ok(copied)
        }
        Err(e) => {
            let _ = target.control("ROLLBACK");
            Err(e)
        }
    }
}

fn copy_all(source: &Connection, target: &PgConn) -> Result<Copied, MigrateError> {
    let mut copied = Vec::with_capacity(TABLES.len());
    for (table, columns) in TABLES {
        let rows = copy_table(source, target, table, columns)?;
        copied.push((*table, rows));
    }
    // identities continue after the copied ids; each group's sequencer after its last seq
    target.control(
        "SELECT setval(pg_get_serial_sequence('messages', 'id'), COALESCE(MAX(id), 0) + 1, false)
         FROM messages",
    )?;
    target.control(
        "SELECT setval(pg_get_serial_sequence('commitments', 'id'), COALESCE(MAX(id), 0) + 1,
                       false)
         FROM commitments",
    )?;
    target.control(
        "UPDATE groups g SET last_seq = COALESCE(
             (SELECT MAX(seq) FROM messages m WHERE m.group_id = g.id), 0)",
    )?;
    for (table, rows) in &copied {
        let count = format!("SELECT COUNT(*) FROM {table}");
        let target_rows = (target as &dyn Sql).int(&count, &[])?.unwrap_or(0);
        if target_rows != *rows {
            return Err(MigrateError::Mismatch {
                table,
                source_rows: *rows,
                target_rows,
            });
        }
    }
    Ok(Copied(copied))
}

/// Copies one table row by row; how many rows it had.
fn copy_table(
    source: &Connection,
    target: &PgConn,
    table: &str,
    columns: &str,
) -> Result<i64, MigrateError> {
    let width = columns.split(',').count();
    let placeholders: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
    let insert = format!(
        "INSERT INTO {table} ({columns}) VALUES ({})",
        placeholders.join(", ")
    );
    // in insertion order where there is one (message versions have no id of their own,
    // and PostgreSQL numbers them as they come); tables WITHOUT ROWID have none
    let without_rowid = [
        "members",
        "clarifications",
        "reactions",
        "read_markers",
        "commitment_versions",
    ];
    let select = if without_rowid.contains(&table) {
        format!("SELECT {columns} FROM {table}")
    } else {
        format!("SELECT {columns} FROM {table} ORDER BY rowid")
    };
    let mut statement = source.prepare(&select).map_err(StoreError::from)?;
    let mut rows = statement.query([]).map_err(StoreError::from)?;
    let mut count = 0;
    let mut values: Vec<Owned> = Vec::with_capacity(width);
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        values.clear();
        for i in 0..width {
            values.push(Owned::from(row.get_ref(i).map_err(StoreError::from)?));
        }
        let args: Vec<Arg<'_>> = values.iter().map(Owned::arg).collect();
        target.execute(&insert, &args)?;
        count += 1;
    }
    Ok(count)
}

/// A value read from SQLite, kept while it is written.
enum Owned {
    Int(i64),
    Text(String),
    Null,
}

impl From<ValueRef<'_>> for Owned {
    fn from(value: ValueRef<'_>) -> Self {
        match value {
            ValueRef::Integer(v) => Owned::Int(v),
            ValueRef::Real(v) => Owned::Int(v as i64),
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                Owned::Text(String::from_utf8_lossy(t).into_owned())
            }
            ValueRef::Null => Owned::Null,
        }
    }
}

impl Owned {
    fn arg(&self) -> Arg<'_> {
        match self {
            Owned::Int(v) => Arg::Int(*v),
            Owned::Text(t) => Arg::Text(t),
            Owned::Null => Arg::Null,
        }
    }
}
