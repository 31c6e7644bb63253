//! What a database holds, read from its own catalog (`pragma_table_list` and
//! `pragma_table_xinfo` on SQLite, `information_schema` and `pg_catalog` on PostgreSQL), so a
//! copy needs no list of tables: a table added by a later migration is copied like the rest.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{PgConnection, SqliteConnection};

use super::TransferError;

/// The table in which sqlx records the migrations applied: bookkeeping of the schema, not
/// data. Each side keeps its own (the two backends number their migrations differently).
pub(crate) const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// The tables of a SQLite database to copy, with whether each has no rowid: ordinary tables
/// only (SQLite's own, the migrations bookkeeping, and full-text indexes with their shadow
/// tables, which triggers fill, are not data to copy).
pub(crate) const SQLITE_TABLES: &str = "SELECT name, wr FROM pragma_table_list \
    WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
    AND name <> '_sqlx_migrations' ORDER BY name";

/// What a column holds, as far as a copy must know to carry a value across exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Whole numbers (`BIGINT`, `INTEGER`).
    Int,
    /// 64-bit floating point (`DOUBLE PRECISION`, `REAL`).
    Real,
    /// `BOOLEAN` (0 and 1 in SQLite).
    Bool,
    /// Text.
    Text,
    /// A calendar date (`DATE`; `YYYY-MM-DD` text in SQLite).
    Date,
    /// A moment (`TIMESTAMPTZ`; Unix seconds in a SQLite `INTEGER` column).
    Time,
    /// Bytes (`BYTEA`, `BLOB`).
    Blob,
    /// Whatever SQLite's type affinity makes of it (a SQLite column declared `BOOLEAN`,
    /// `NUMERIC`, or without a type): values are kept as stored.
    Any,
    /// A PostgreSQL type leadup's schema does not use: refused, naming the column.
    Unsupported,
}

/// One column to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    /// The type as the catalog names it, for error messages.
    pub(crate) declared: String,
}

/// One table to copy: its columns (generated ones left out: the target computes them), its
/// primary key, and the column whose values an id sequence hands out, if any.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) columns: Vec<Column>,
    pub(crate) primary_key: Vec<String>,
    /// The column filled by an identity sequence (PostgreSQL) or `AUTOINCREMENT` (SQLite).
    pub(crate) id_column: Option<String>,
    /// PostgreSQL only: the id column is `GENERATED ALWAYS`, so inserting it needs
    /// `OVERRIDING SYSTEM VALUE`.
    pub(crate) id_always: bool,
    /// SQLite only: the table has no rowid, so it is read by its primary key.
    pub(crate) without_rowid: bool,
}

/// A database's tables and the references between them.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    pub(crate) tables: Vec<Table>,
    /// For each table, the tables its foreign keys refer to.
    pub(crate) references: BTreeMap<String, BTreeSet<String>>,
}

impl Catalog {
    pub(crate) fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The tables in an order in which every table comes after the tables it refers to, so
    /// rows can be inserted with foreign keys checked. A table referring to itself is fine
    /// (its rows are copied in key order); tables referring to each other are refused.
    pub(crate) fn in_reference_order(&self) -> Result<Vec<&Table>, TransferError> {
        let mut placed: BTreeSet<&str> = BTreeSet::new();
        let mut order = Vec::with_capacity(self.tables.len());
        while order.len() < self.tables.len() {
            let before = order.len();
            for table in &self.tables {
                if placed.contains(table.name.as_str()) {
                    continue;
                }
                let ready = self.references.get(&table.name).is_none_or(|parents| {
                    parents.iter().all(|p| p == &table.name || placed.contains(p.as_str()) || self.table(p).is_none())
                });
                if ready {
                    placed.insert(&table.name);
                    order.push(table);
                }
            }
            if order.len() == before {
                let stuck: Vec<&str> =
                    self.tables.iter().map(|t| t.name.as_str()).filter(|n| !placed.contains(n)).collect();
                return Err(TransferError::Schema(format!(
                    "the tables {} refer to each other, so no order of copying them satisfies their foreign keys",
                    stuck.join(", ")
                )));
            }
        }
        Ok(order)
    }
}

/// `name` quoted as an SQL identifier (both backends use double quotes).
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The tables of a SQLite database ([`SQLITE_TABLES`]).
pub(crate) async fn sqlite(conn: &mut SqliteConnection) -> Result<Catalog, TransferError> {
    let names: Vec<(String, i64)> = sqlx::query_as(SQLITE_TABLES).fetch_all(&mut *conn).await?;
    let mut tables = Vec::new();
    let mut references = BTreeMap::new();
    for (name, without_rowid) in names {
        let columns: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT name, type, hidden, pk FROM pragma_table_xinfo($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?;
        let mut primary_key: Vec<(i64, String)> =
            columns.iter().filter(|c| c.3 > 0).map(|c| (c.3, c.0.clone())).collect();
        primary_key.sort();
        let primary_key: Vec<String> = primary_key.into_iter().map(|(_, n)| n).collect();
        let sql: Option<String> =
            sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1")
                .bind(&name)
                .fetch_optional(&mut *conn)
                .await?;
        let autoincrement = sql.is_some_and(|s| s.to_ascii_uppercase().contains("AUTOINCREMENT"));
        let id_column = (autoincrement && primary_key.len() == 1).then(|| primary_key[0].clone());
        let parents: BTreeSet<String> = sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list($1)")
            .bind(&name)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
        references.insert(name.clone(), parents);
        tables.push(Table {
            columns: columns
                .into_iter()
                .filter(|c| c.2 == 0) // 2 and 3: generated columns
                .map(|(name, declared, _, _)| Column { kind: sqlite_kind(&declared), name, declared })
                .collect(),
            name,
            primary_key,
            id_column,
            id_always: false,
            without_rowid: without_rowid != 0,
        });
    }
    Ok(Catalog { tables, references })
}

/// What SQLite's type affinity rules make of a declared type, narrowed to the kinds a copy
/// tells apart (section 3.1 of SQLite's "Datatypes" page).
fn sqlite_kind(declared: &str) -> Kind {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("INT") {
        Kind::Int
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|t| upper.contains(t)) {
        Kind::Text
    } else if upper.contains("BLOB") {
        Kind::Blob
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|t| upper.contains(t)) {
        Kind::Real
    } else {
        Kind::Any
    }
}

/// A column as `information_schema.columns` describes it.
#[derive(sqlx::FromRow)]
struct PgColumn {
    name: String,
    data_type: String,
    is_generated: String,
    is_identity: String,
    identity_generation: Option<String>,
    column_default: Option<String>,
}

/// The tables of the PostgreSQL database's current schema, but the migrations bookkeeping.
pub(crate) async fn postgres(conn: &mut PgConnection) -> Result<Catalog, TransferError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1 ORDER BY table_name",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(&mut *conn)
    .await?;
    let mut tables = Vec::new();
    for name in names {
        let columns: Vec<PgColumn> = sqlx::query_as(
            "SELECT column_name::text AS name, data_type::text, is_generated::text, is_identity::text, \
             identity_generation::text, column_default::text \
             FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 \
             ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(&mut *conn)
        .await?;
        let primary_key: Vec<String> = sqlx::query_scalar(
            "SELECT a.attname::text FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
             WHERE i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass AND i.indisprimary \
             ORDER BY array_position(i.indkey::int2[], a.attnum)",
        )
        .bind(&name)
        .fetch_all(&mut *conn)
        .await?;
        let identity = columns
            .iter()
            .find(|c| c.is_identity == "YES" || c.column_default.as_deref().is_some_and(|d| d.starts_with("nextval(")));
        tables.push(Table {
            id_column: identity.map(|c| c.name.clone()),
            id_always: identity.is_some_and(|c| c.identity_generation.as_deref() == Some("ALWAYS")),
            columns: columns
                .iter()
                .filter(|c| c.is_generated != "ALWAYS")
                .map(|c| Column {
                    name: c.name.clone(),
                    kind: postgres_kind(&c.data_type),
                    declared: c.data_type.clone(),
                })
                .collect(),
            name,
            primary_key,
            without_rowid: false,
        });
    }
    let edges: Vec<(String, String)> = sqlx::query_as(
        "SELECT child.relname::text, parent.relname::text FROM pg_constraint c \
         JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid \
         JOIN pg_namespace n ON n.oid = child.relnamespace \
         WHERE c.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut references: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (child, parent) in edges {
        references.entry(child).or_default().insert(parent);
    }
    Ok(Catalog { tables, references })
}

/// The kind of a PostgreSQL column by its `information_schema` data type; a type leadup's
/// schema does not use is refused by the copy, naming the column.
fn postgres_kind(data_type: &str) -> Kind {
    match data_type {
        "bigint" | "integer" | "smallint" => Kind::Int,
        "double precision" | "real" => Kind::Real,
        "boolean" => Kind::Bool,
        "text" | "character varying" | "character" => Kind::Text,
        "date" => Kind::Date,
        "timestamp with time zone" => Kind::Time,
        "bytea" => Kind::Blob,
        _ => Kind::Unsupported,
    }
}

/// Checks that `target` has the tables and columns of `source`, naming the first difference.
pub(crate) fn check_same_shape(source: &Catalog, target: &Catalog) -> Result<(), TransferError> {
    let names = |c: &Catalog| c.tables.iter().map(|t| t.name.clone()).collect::<BTreeSet<_>>();
    let (from, to) = (names(source), names(target));
    if let Some(missing) = from.difference(&to).next() {
        return Err(TransferError::Schema(format!("the target has no table {missing}")));
    }
    if let Some(extra) = to.difference(&from).next() {
        return Err(TransferError::Schema(format!("the source has no table {extra}, which the target has")));
    }
    for table in &source.tables {
        let other = target.table(&table.name).expect("checked above");
        let columns = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<BTreeSet<_>>();
        let (from, to) = (columns(table), columns(other));
        if let Some(missing) = from.difference(&to).next().or_else(|| to.difference(&from).next()) {
            return Err(TransferError::Schema(format!("table {}: column {missing} is on one side only", table.name)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(edges: &[(&str, &[&str])]) -> Catalog {
        let tables = edges
            .iter()
            .map(|(name, _)| Table {
                name: (*name).to_owned(),
                columns: Vec::new(),
                primary_key: Vec::new(),
                id_column: None,
                id_always: false,
                without_rowid: false,
            })
            .collect();
        let references = edges
            .iter()
            .map(|(name, parents)| ((*name).to_owned(), parents.iter().map(|p| (*p).to_owned()).collect()))
            .collect();
        Catalog { tables, references }
    }

    fn names(order: &[&Table]) -> Vec<String> {
        order.iter().map(|t| t.name.clone()).collect()
    }

    #[test]
    fn tables_come_after_the_tables_they_refer_to() {
        let c = catalog(&[
            ("audit_log", &["users"]),
            ("memberships", &["teams", "users"]),
            ("teams", &[]),
            ("users", &[]),
            ("wins", &["wins", "teams"]),
        ]);
        assert_eq!(names(&c.in_reference_order().unwrap()), ["teams", "users", "wins", "audit_log", "memberships"]);
    }

    #[test]
    fn tables_referring_to_each_other_are_named() {
        let c = catalog(&[("a", &["b"]), ("b", &["a"]), ("c", &[])]);
        let error = c.in_reference_order().unwrap_err().to_string();
        assert!(error.contains("the tables a, b refer to each other"), "{error}");
    }
}
