//! Reading and writing rows of a SQLite database for a copy: read in batches by rowid inside
//! one read transaction (one snapshot, however long the copy takes), written as multi-row
//! inserts inside one write transaction.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqliteConnection, SqlitePool, TypeInfo, ValueRef};

use super::catalog::{self, Catalog, Column, Table, quoted};
use super::value::Value;
use super::{Reader, TransferError, Writer};
use crate::{BeginWrite, WriteTx};

/// The most values one statement binds (SQLite's limit is 32,766).
pub(crate) const MAX_BINDS: usize = 32_000;

/// The values of a row read by [`select`], in column order (`skip` leading columns left out).
fn decode(row: &SqliteRow, skip: usize) -> Result<Vec<Value>, sqlx::Error> {
    (skip..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let storage = raw.type_info().name().to_owned();
            Ok(match storage.as_str() {
                "INTEGER" => Value::Int(row.try_get(i)?),
                "REAL" => Value::Real(row.try_get(i)?),
                "BLOB" => Value::Blob(row.try_get(i)?),
                _ => Value::Text(row.try_get(i)?),
            })
        })
        .collect()
}

fn column_list(columns: &[Column]) -> String {
    columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ")
}

async fn count(conn: &mut SqliteConnection, table: &str) -> Result<u64, TransferError> {
    let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", quoted(table))).fetch_one(conn).await?;
    Ok(n as u64)
}

/// The rows of a SQLite table, reading one batch at a time inside one read transaction.
pub(crate) struct SqliteReader {
    tx: sqlx::Transaction<'static, Sqlite>,
    select: String,
    after: i64,
}

impl SqliteReader {
    /// A reader over `pool`'s database, whose snapshot is taken at its first read.
    pub(crate) async fn begin(pool: &SqlitePool) -> Result<Self, TransferError> {
        Ok(Self { tx: pool.begin().await?, select: String::new(), after: i64::MIN })
    }
}

impl Reader for SqliteReader {
    async fn catalog(&mut self) -> Result<Catalog, TransferError> {
        catalog::sqlite(&mut self.tx).await
    }

    async fn count(&mut self, table: &str) -> Result<u64, TransferError> {
        count(&mut self.tx, table).await
    }

    async fn high_water(&mut self, table: &Table) -> Result<Option<i64>, TransferError> {
        if table.id_column.is_none() {
            return Ok(None);
        }
        // sqlite_sequence exists once any AUTOINCREMENT table has been written to.
        let seq: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT (SELECT seq FROM sqlite_sequence WHERE name = $1) \
             WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence')",
        )
        .bind(&table.name)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(seq.flatten())
    }

    async fn start(&mut self, table: &Table, columns: &[Column]) -> Result<(), TransferError> {
        if table.without_rowid {
            return Err(TransferError::Schema(format!(
                "table {} has no rowid, so it cannot be read in batches",
                table.name
            )));
        }
        self.select = format!(
            "SELECT rowid, {} FROM {} WHERE rowid > $1 ORDER BY rowid LIMIT $2",
            column_list(columns),
            quoted(&table.name)
        );
        self.after = i64::MIN;
        Ok(())
    }

    async fn next(&mut self, limit: usize) -> Result<Vec<(String, Vec<Value>)>, TransferError> {
        let rows = sqlx::query(&self.select).bind(self.after).bind(limit as i64).fetch_all(&mut *self.tx).await?;
        let mut batch = Vec::with_capacity(rows.len());
        for row in &rows {
            let rowid: i64 = row.try_get(0)?;
            self.after = rowid;
            batch.push((format!("rowid {rowid}"), decode(row, 1)?));
        }
        Ok(batch)
    }
}

/// Writes rows into a SQLite database inside one write transaction.
pub(crate) struct SqliteWriter {
    tx: WriteTx<Sqlite>,
}

impl SqliteWriter {
    /// Starts the transaction the whole copy is written in.
    pub(crate) async fn begin(pool: &SqlitePool) -> Result<Self, TransferError> {
        Ok(Self { tx: pool.begin_write().await? })
    }
}

impl Writer for SqliteWriter {
    const MAX_BINDS: usize = MAX_BINDS;

    async fn catalog(&mut self) -> Result<Catalog, TransferError> {
        catalog::sqlite(&mut self.tx).await
    }

    async fn count(&mut self, table: &str) -> Result<u64, TransferError> {
        count(&mut self.tx, table).await
    }

    async fn rows(&mut self, table: &Table, limit: usize) -> Result<Vec<Vec<Value>>, TransferError> {
        let sql =
            format!("SELECT {} FROM {} ORDER BY rowid LIMIT $1", column_list(&table.columns), quoted(&table.name));
        let rows = sqlx::query(&sql).bind(limit as i64).fetch_all(&mut *self.tx).await?;
        Ok(rows.iter().map(|row| decode(row, 0)).collect::<Result<_, _>>()?)
    }

    fn convert(value: Value, column: &Column) -> Result<Value, String> {
        value.for_sqlite(column.kind)
    }

    async fn clear(&mut self, table: &str) -> Result<(), TransferError> {
        sqlx::query(&format!("DELETE FROM {}", quoted(table))).execute(&mut *self.tx).await?;
        Ok(())
    }

    async fn insert(&mut self, table: &Table, columns: &[Column], rows: Vec<Vec<Value>>) -> Result<(), TransferError> {
        let sql = super::insert_sql(&table.name, columns, rows.len(), "", super::Placeholders::Anonymous);
        let mut query = sqlx::query(&sql);
        for value in rows.into_iter().flatten() {
            query = match value {
                Value::Int(n) => query.bind(n),
                Value::Real(x) => query.bind(x),
                Value::Text(text) => query.bind(text),
                Value::Blob(bytes) => query.bind(bytes),
                Value::Null => query.bind(None::<i64>),
                other => unreachable!("converted for SQLite before: {other:?}"),
            };
        }
        query.execute(&mut *self.tx).await.map_err(|e| TransferError::insert(&table.name, e))?;
        Ok(())
    }

    async fn advance_ids(&mut self, table: &Table, high_water: Option<i64>) -> Result<(), TransferError> {
        // SQLite moves an AUTOINCREMENT table's sequence past every id inserted; only an id
        // the source handed out and then deleted needs carrying over.
        let (Some(_), Some(high_water)) = (&table.id_column, high_water) else { return Ok(()) };
        let updated = sqlx::query("UPDATE sqlite_sequence SET seq = max(seq, $2) WHERE name = $1")
            .bind(&table.name)
            .bind(high_water)
            .execute(&mut *self.tx)
            .await?;
        if updated.rows_affected() == 0 && high_water > 0 {
            sqlx::query("INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)")
                .bind(&table.name)
                .bind(high_water)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn commit(self) -> Result<(), TransferError> {
        Ok(self.tx.commit().await?)
    }
}
