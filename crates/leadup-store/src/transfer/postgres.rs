//! Reading and writing rows of a PostgreSQL database for a copy: read through a cursor
//! inside one `REPEATABLE READ READ ONLY` transaction (one snapshot, however long the copy
//! takes), written as multi-row inserts inside one transaction.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Postgres, Row};

use super::catalog::{self, Catalog, Column, Kind, Table, quoted};
use super::value::Value;
use super::{Reader, TransferError, Writer};

/// The most values one statement binds (PostgreSQL's limit is 65,535).
const MAX_BINDS: usize = 60_000;

/// Each column selected as the type it is decoded as.
fn select_list(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| {
            let name = quoted(&c.name);
            match c.kind {
                Kind::Int => format!("{name}::bigint"),
                Kind::Real => format!("{name}::float8"),
                Kind::Text => format!("{name}::text"),
                _ => name,
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn decode(row: &PgRow, columns: &[Column]) -> Result<Vec<Value>, sqlx::Error> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let value = match column.kind {
                Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                Kind::Real => row.try_get::<Option<f64>, _>(i)?.map(Value::Real),
                Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
                Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
                Kind::Date => row.try_get::<Option<time::Date>, _>(i)?.map(Value::Date),
                Kind::Time => row.try_get::<Option<time::OffsetDateTime>, _>(i)?.map(Value::Time),
                Kind::Blob => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Blob),
                Kind::Any | Kind::Unsupported => unreachable!("refused before copying: {}", column.name),
            };
            Ok(value.unwrap_or(Value::Null))
        })
        .collect()
}

/// The primary key's values of a row, naming it in an error.
fn label(table: &Table, columns: &[Column], values: &[Value], number: u64) -> String {
    let key: Vec<String> = table
        .primary_key
        .iter()
        .filter_map(|k| columns.iter().position(|c| &c.name == k).map(|i| format!("{k} = {}", values[i])))
        .collect();
    if key.is_empty() { format!("number {number}") } else { key.join(", ") }
}

async fn count(conn: &mut PgConnection, table: &str) -> Result<u64, TransferError> {
    let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", quoted(table))).fetch_one(conn).await?;
    Ok(n as u64)
}

/// The rows of PostgreSQL tables, through one cursor at a time inside one snapshot.
pub(crate) struct PgReader {
    tx: sqlx::Transaction<'static, Postgres>,
    table: Option<(Table, Vec<Column>)>,
    read: u64,
}

impl PgReader {
    /// A reader over `pool`'s database in a read-only snapshot.
    pub(crate) async fn begin(pool: &PgPool) -> Result<Self, TransferError> {
        let tx = pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?;
        Ok(Self { tx, table: None, read: 0 })
    }
}

impl Reader for PgReader {
    async fn catalog(&mut self) -> Result<Catalog, TransferError> {
        catalog::postgres(&mut self.tx).await
    }

    async fn count(&mut self, table: &str) -> Result<u64, TransferError> {
        count(&mut self.tx, table).await
    }

    async fn high_water(&mut self, table: &Table) -> Result<Option<i64>, TransferError> {
        let Some(column) = &table.id_column else { return Ok(None) };
        Ok(sqlx::query_scalar("SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass)")
            .bind(quoted(&table.name))
            .bind(column)
            .fetch_one(&mut *self.tx)
            .await?)
    }

    async fn start(&mut self, table: &Table, columns: &[Column]) -> Result<(), TransferError> {
        if self.table.take().is_some() {
            sqlx::query("CLOSE leadup_copy").execute(&mut *self.tx).await?;
        }
        let order = if table.primary_key.is_empty() {
            String::new()
        } else {
            format!(" ORDER BY {}", table.primary_key.iter().map(|k| quoted(k)).collect::<Vec<_>>().join(", "))
        };
        let sql = format!(
            "DECLARE leadup_copy NO SCROLL CURSOR FOR SELECT {} FROM {}{order}",
            select_list(columns),
            quoted(&table.name)
        );
        sqlx::query(&sql).execute(&mut *self.tx).await?;
        self.table = Some((table.clone(), columns.to_vec()));
        self.read = 0;
        Ok(())
    }

    async fn next(&mut self, limit: usize) -> Result<Vec<(String, Vec<Value>)>, TransferError> {
        let Some((table, columns)) = &self.table else { return Ok(Vec::new()) };
        // Not kept as a prepared statement: the same FETCH returns other columns per table.
        let rows = sqlx::query(&format!("FETCH FORWARD {limit} FROM leadup_copy"))
            .persistent(false)
            .fetch_all(&mut *self.tx)
            .await?;
        let mut batch = Vec::with_capacity(rows.len());
        for row in &rows {
            self.read += 1;
            let values = decode(row, columns)?;
            batch.push((label(table, columns, &values, self.read), values));
        }
        Ok(batch)
    }
}

/// Writes rows into a PostgreSQL database inside one transaction.
pub(crate) struct PgWriter {
    tx: sqlx::Transaction<'static, Postgres>,
}

impl PgWriter {
    /// Starts the transaction the whole copy is written in.
    pub(crate) async fn begin(pool: &PgPool) -> Result<Self, TransferError> {
        Ok(Self { tx: pool.begin().await? })
    }
}

impl Writer for PgWriter {
    const MAX_BINDS: usize = MAX_BINDS;

    async fn catalog(&mut self) -> Result<Catalog, TransferError> {
        catalog::postgres(&mut self.tx).await
    }

    async fn count(&mut self, table: &str) -> Result<u64, TransferError> {
        count(&mut self.tx, table).await
    }

    async fn rows(&mut self, table: &Table, limit: usize) -> Result<Vec<Vec<Value>>, TransferError> {
        let sql = format!("SELECT {} FROM {} LIMIT {limit}", select_list(&table.columns), quoted(&table.name));
        let rows = sqlx::query(&sql).fetch_all(&mut *self.tx).await?;
        Ok(rows.iter().map(|row| decode(row, &table.columns)).collect::<Result<_, _>>()?)
    }

    fn convert(value: Value, column: &Column) -> Result<Value, String> {
        value.for_postgres(column.kind)
    }

    async fn clear(&mut self, table: &str) -> Result<(), TransferError> {
        sqlx::query(&format!("DELETE FROM {}", quoted(table))).execute(&mut *self.tx).await?;
        Ok(())
    }

    async fn insert(&mut self, table: &Table, columns: &[Column], rows: Vec<Vec<Value>>) -> Result<(), TransferError> {
        let overriding = if table.id_always { " OVERRIDING SYSTEM VALUE" } else { "" };
        let sql = super::insert_sql(&table.name, columns, rows.len(), overriding, super::Placeholders::Numbered);
        let mut query = sqlx::query(&sql);
        for row in rows {
            for (value, column) in row.into_iter().zip(columns) {
                // A NULL is bound as the column's type, which PostgreSQL checks.
                query = match (value, column.kind) {
                    (Value::Int(n), _) => query.bind(n),
                    (Value::Real(x), _) => query.bind(x),
                    (Value::Bool(b), _) => query.bind(b),
                    (Value::Text(text), _) => query.bind(text),
                    (Value::Date(date), _) => query.bind(date),
                    (Value::Time(at), _) => query.bind(at),
                    (Value::Blob(bytes), _) => query.bind(bytes),
                    (Value::Null, Kind::Int) => query.bind(None::<i64>),
                    (Value::Null, Kind::Real) => query.bind(None::<f64>),
                    (Value::Null, Kind::Bool) => query.bind(None::<bool>),
                    (Value::Null, Kind::Date) => query.bind(None::<time::Date>),
                    (Value::Null, Kind::Time) => query.bind(None::<time::OffsetDateTime>),
                    (Value::Null, Kind::Blob) => query.bind(None::<Vec<u8>>),
                    (Value::Null, Kind::Text | Kind::Any | Kind::Unsupported) => query.bind(None::<String>),
                };
            }
        }
        query.execute(&mut *self.tx).await.map_err(|e| TransferError::insert(&table.name, e))?;
        Ok(())
    }

    async fn advance_ids(&mut self, table: &Table, high_water: Option<i64>) -> Result<(), TransferError> {
        let Some(column) = &table.id_column else { return Ok(()) };
        let max: Option<i64> =
            sqlx::query_scalar(&format!("SELECT max({})::bigint FROM {}", quoted(column), quoted(&table.name)))
                .fetch_one(&mut *self.tx)
                .await?;
        let top = max.unwrap_or(0).max(high_water.unwrap_or(0));
        // The next id handed out is one past the largest the source used (or 1).
        sqlx::query("SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)")
            .bind(quoted(&table.name))
            .bind(column)
            .bind(top.max(1))
            .bind(top > 0)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn commit(self) -> Result<(), TransferError> {
        Ok(self.tx.commit().await?)
    }
}
