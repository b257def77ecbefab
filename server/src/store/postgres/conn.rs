//! A PostgreSQL connection behind [`Sql`]: `?N` parameters become `$N`, statements are
//! prepared once per connection, and a connection that was lost is opened again at the
//! next transaction.

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error;

use ::postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use ::postgres::{Client, NoTls, Row, Statement};
use bytes::BytesMut;

use crate::store::StoreError;
use crate::store::sql::{Arg, Dialect, Sql, SqlRow, WriteConn};

/// One connection, used by one thread at a time (the writer, or a reader).
pub struct PgConn {
    url: String,
    /// Always there until [`Drop`] closes it, off the async threads.
    client: RefCell<Option<Client>>,
    statements: RefCell<HashMap<String, Statement>>,
}

impl Drop for PgConn {
    /// Closing the synchronous client blocks on its own runtime, which must not happen on
    /// an async thread (the store is dropped with the server's state): there, it is closed
    /// on a thread of its own.
    fn drop(&mut self) {
        let Some(client) = self.client.get_mut().take() else {
            return;
        };
        close_off_runtime(client);
    }
}

/// Closes `client`, on a thread of its own when called from inside the async runtime.
fn close_off_runtime(client: Client) {
    if tokio::runtime::Handle::try_current().is_ok() {
        let _ = std::thread::Builder::new()
            .name("quid-pg-close".into())
            .spawn(move || drop(client));
    } else {
        drop(client);
    }
}

impl PgConn {
    /// Connects to `url`, off the async threads (the synchronous client runs a runtime
    /// of its own).
    pub fn connect(url: &str) -> Result<PgConn, StoreError> {
        Ok(PgConn {
            url: url.to_owned(),
            client: RefCell::new(Some(off_runtime(url)?)),
            statements: RefCell::new(HashMap::new()),
        })
    }

    /// Runs `f` with the client.
    fn with_client<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, ::postgres::Error>,
    ) -> Result<T, StoreError> {
        let mut client = self.client.borrow_mut();
        let client = client.as_mut().ok_or(StoreError::Closed)?;
        Ok(f(client)?)
    }

    /// The client itself, for the migrations.
    pub fn client_mut(&mut self) -> Result<&mut Client, StoreError> {
        self.client.get_mut().as_mut().ok_or(StoreError::Closed)
    }

    fn statement(&self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.with_client(|c| c.prepare(&dollar_parameters(sql)))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn query(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>, StoreError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        self.with_client(|c| c.query(&statement, &params))
    }
}

/// Connects, on a thread of its own when called from inside the async runtime.
fn off_runtime(url: &str) -> Result<Client, StoreError> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Ok(Client::connect(url, NoTls)?);
    }
    let url = url.to_owned();
    std::thread::scope(|scope| {
        scope
            .spawn(move || Client::connect(&url, NoTls))
            .join()
            .map_err(|_| StoreError::Corrupt("the connecting thread panicked".into()))?
            .map_err(StoreError::from)
    })
}

/// `?1` → `$1`: the one placeholder syntax of the shared queries, as PostgreSQL spells it.
fn dollar_parameters(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl Sql for PgConn {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<usize, StoreError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let changed = self.with_client(|c| c.execute(&statement, &params))?;
        Ok(usize::try_from(changed).unwrap_or(usize::MAX))
    }

    fn insert(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<i64>, StoreError> {
        let returning = format!("{sql} RETURNING id");
        match self.query(&returning, args)?.first() {
            Some(row) => Ok(Some(row.int(0)?)),
            None => Ok(None),
        }
    }

    fn control(&self, sql: &str) -> Result<(), StoreError> {
        self.begin_or_end(sql)
    }

    fn each(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        row: &mut dyn FnMut(&dyn SqlRow) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        for r in self.query(sql, args)? {
            if !row(&r)? {
                break;
            }
        }
        Ok(())
    }
}

impl WriteConn for PgConn {
    fn sql(&self) -> &dyn Sql {
        self
    }
}

impl PgConn {
    fn begin_or_end(&self, sql: &str) -> Result<(), StoreError> {
        let lost = self.client.borrow().as_ref().is_none_or(Client::is_closed);
        if sql.starts_with("BEGIN") && lost {
            tracing::warn!("the database connection was lost; connecting again");
            let fresh = off_runtime(&self.url)?;
            if let Some(old) = self.client.replace(Some(fresh)) {
                close_off_runtime(old);
            }
            self.statements.borrow_mut().clear();
        }
        self.with_client(|c| c.batch_execute(sql))
    }
}

impl SqlRow for Row {
    fn opt_int(&self, column: usize) -> Result<Option<i64>, StoreError> {
        let ty = self
            .columns()
            .get(column)
            .map(|c| c.type_().clone())
            .ok_or_else(|| StoreError::Corrupt(format!("no column {column}")))?;
        Ok(match ty {
            Type::INT2 => self.try_get::<_, Option<i16>>(column)?.map(i64::from),
            Type::INT4 => self.try_get::<_, Option<i32>>(column)?.map(i64::from),
            Type::BOOL => self.try_get::<_, Option<bool>>(column)?.map(i64::from),
            _ => self.try_get::<_, Option<i64>>(column)?,
        })
    }

    fn opt_text(&self, column: usize) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(column)?)
    }
}

impl ToSql for Arg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            Arg::Int(v) => match *ty {
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Arg::Text(s) => s.to_sql(ty, out),
            Arg::Id(id) => id.to_string().to_sql(ty, out),
            Arg::Null => Ok(IsNull::Yes),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::dollar_parameters;

    #[test]
    fn placeholders_are_numbered_with_dollars() {
        assert_eq!(
            dollar_parameters("SELECT 1 FROM t WHERE a = ?1 AND b = ?12 AND c = '?'"),
            "SELECT 1 FROM t WHERE a = $1 AND b = $12 AND c = '?'"
        );
    }
}
