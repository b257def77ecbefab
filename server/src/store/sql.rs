//! The one SQL surface every query is written against, whichever engine runs: statements
//! with positional `?N` parameters, bound from [`Arg`]s, rows read by column index. Each
//! engine implements [`Sql`] beside its own SQL (`sqlite/`, `postgres/`); the queries in
//! `users`, `groups`, `messages`, … are written once, in the SQL both engines share, and
//! ask [`Sql::dialect`] only where the engines differ.

use super::StoreError;
use quid_shared::Id;

/// Which engine a connection talks to, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One value bound to a statement. Integers are 64-bit on both engines (PostgreSQL
/// columns are `BIGINT`; flags are stored as 0/1 on both).
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(i64),
    Text(&'a str),
    /// Stored as its hyphenated lower-case text.
    Id(Id),
    Null,
}

impl From<Id> for Arg<'_> {
    fn from(v: Id) -> Self {
        Arg::Id(v)
    }
}

impl From<&Id> for Arg<'_> {
    fn from(v: &Id) -> Self {
        Arg::Id(*v)
    }
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}

impl From<u32> for Arg<'_> {
    fn from(v: u32) -> Self {
        Arg::Int(i64::from(v))
    }
}

impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Int(i64::from(v))
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(v)
    }
}

impl<'a, T> From<Option<T>> for Arg<'a>
where
    T: Into<Arg<'a>>,
{
    fn from(v: Option<T>) -> Self {
        v.map_or(Arg::Null, Into::into)
    }
}

/// The arguments of one statement: `args![a, b, c]`.
macro_rules! args {
    ($($arg:expr),* $(,)?) => {
        &[$($crate::store::sql::Arg::from($arg)),*][..]
    };
}
pub(crate) use args;

/// One row of a result, read by column index.
pub trait SqlRow {
    fn opt_int(&self, column: usize) -> Result<Option<i64>, StoreError>;
    fn opt_text(&self, column: usize) -> Result<Option<String>, StoreError>;

    fn int(&self, column: usize) -> Result<i64, StoreError> {
        self.opt_int(column)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {column} is NULL")))
    }

    fn text(&self, column: usize) -> Result<String, StoreError> {
        self.opt_text(column)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {column} is NULL")))
    }

    /// A 0/1 flag.
    fn flag(&self, column: usize) -> Result<bool, StoreError> {
        Ok(self.int(column)? != 0)
    }

    fn id(&self, column: usize) -> Result<Id, StoreError> {
        super::parse_id(&self.text(column)?)
    }

    fn opt_id(&self, column: usize) -> Result<Option<Id>, StoreError> {
        self.opt_text(column)?
            .as_deref()
            .map(super::parse_id)
            .transpose()
    }
}

/// A connection (or a transaction on one) of either engine. Statements are prepared once
/// per connection and kept.
pub trait Sql {
    fn dialect(&self) -> Dialect;
    /// Runs a statement; how many rows it changed.
    fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<usize, StoreError>;
    /// Runs an `INSERT` into a table keyed by an integer `id`; the new row's id, or `None`
    /// when it inserted nothing (`ON CONFLICT … DO NOTHING`). The statement has no
    /// `RETURNING`: SQLite runs a `RETURNING` clause as a trigger, which makes it keep a
    /// statement journal (a copy of every page the insert touches) and cost the writer
    /// about a tenth of its speed; it reads the last rowid instead, and PostgreSQL adds
    /// `RETURNING id`.
    fn insert(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<i64>, StoreError>;
    /// Runs a transaction-control statement (`BEGIN`, `COMMIT`, `SAVEPOINT job`, …).
    fn control(&self, sql: &str) -> Result<(), StoreError>;
    /// Runs a query and hands each row to `row` until it returns `false`.
    fn each(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        row: &mut dyn FnMut(&dyn SqlRow) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError>;
}

/// The writer's connection, of either engine.
pub(super) trait WriteConn: Sql + Send {
    /// The connection, for the statements of the write closures.
    fn sql(&self) -> &dyn Sql;
}

/// What every query function takes: a connection of either engine.
pub type Conn<'a> = dyn Sql + 'a;

impl dyn Sql + '_ {
    /// Whether the query returns a row.
    pub fn exists(&self, sql: &str, args: &[Arg<'_>]) -> Result<bool, StoreError> {
        let mut found = false;
        self.each(sql, args, &mut |_| {
            found = true;
            Ok(false)
        })?;
        Ok(found)
    }

    /// The first row, read by `read`.
    pub fn one<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        read: impl Fn(&dyn SqlRow) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let mut out = None;
        self.each(sql, args, &mut |r| {
            out = Some(read(r)?);
            Ok(false)
        })?;
        Ok(out)
    }

    /// Every row, read by `read`.
    pub fn all<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        read: impl Fn(&dyn SqlRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        self.each(sql, args, &mut |r| {
            out.push(read(r)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// Runs `read` in one read transaction, so that everything it reads is of one moment.
    pub fn snapshot<T>(
        &self,
        read: impl FnOnce(&dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.control(match self.dialect() {
            Dialect::Sqlite => "BEGIN",
            Dialect::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        })?;
        let result = read(self);
        let end = self.control(if result.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let value = result?;
        end?;
        Ok(value)
    }

    /// The integer in the first column of the first row.
    pub fn int(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<i64>, StoreError> {
        Ok(self.one(sql, args, |r| r.opt_int(0))?.flatten())
    }

    /// The text in the first column of the first row.
    pub fn text(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<String>, StoreError> {
        Ok(self.one(sql, args, |r| r.opt_text(0))?.flatten())
    }
}
