//! The reference data a field laptop needs to quote and check an application
//! exactly as its office does — organisations, pools, agreements, settings, the rate table,
//! recorded business stops — copied row for row, ids included, so that what the laptop
//! writes names the same agreement the office holds.

use crate::error::{StoreError, StoreResult};
use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The tables copied, parents before children.
const TABLES: &[&str] = &[
    "organisations",
    "pool_members",
    "agreements",
    "settings",
    "reference_rates",
    "business_stops",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableRows {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

fn to_json(v: Sql) -> Value {
    match v {
        Sql::Null => Value::Null,
        Sql::Integer(i) => Value::from(i),
        Sql::Real(f) => Value::from(f),
        Sql::Text(t) => Value::String(t),
        Sql::Blob(b) => serde_json::json!({ "hex": hex::encode(b) }),
    }
}

fn to_sql(v: &Value) -> StoreResult<Sql> {
    Ok(match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => Sql::Real(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => Sql::Text(s.clone()),
        Value::Object(o) => match o.get("hex").and_then(Value::as_str) {
            Some(h) => Sql::Blob(
                hex::decode(h).map_err(|_| StoreError::Corrupt("reference data: a blob".into()))?,
            ),
            None => return Err(StoreError::Corrupt("reference data: a value".into())),
        },
        Value::Array(_) => return Err(StoreError::Corrupt("reference data: a value".into())),
    })
}

fn columns_of(conn: &Connection, table: &str) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let cols = stmt.query_map([], |r| r.get::<_, String>(1))?;
    Ok(cols.collect::<Result<_, _>>()?)
}

/// Every reference table, whole.
pub fn export(conn: &Connection) -> StoreResult<Vec<TableRows>> {
    let mut out = Vec::new();
    for table in TABLES {
        let columns = columns_of(conn, table)?;
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}"))?;
        let n = columns.len();
        let rows = stmt.query_map([], |r| {
            (0..n)
                .map(|i| r.get::<_, Sql>(i).map(to_json))
                .collect::<Result<Vec<_>, _>>()
        })?;
        out.push(TableRows {
            table: table.to_string(),
            columns,
            rows: rows.collect::<Result<_, _>>()?,
        });
    }
    Ok(out)
}

/// Replaces the reference tables with `data`, inside the caller's transaction. Only the
/// known tables and their existing columns are taken.
pub fn import(tx: &Connection, data: &[TableRows]) -> StoreResult<()> {
    for table in TABLES.iter().rev() {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    for t in data {
        let table = TABLES
            .iter()
            .find(|known| **known == t.table)
            .ok_or_else(|| StoreError::Corrupt(format!("reference data: table {}", t.table)))?;
        let known = columns_of(tx, table)?;
        if t.columns.iter().any(|c| !known.contains(c)) {
            return Err(StoreError::Corrupt(format!(
                "reference data: a column of {table} this program does not have"
            )));
        }
        let marks = vec!["?"; t.columns.len()].join(", ");
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({marks})",
            t.columns.join(", ")
        );
        let mut stmt = tx.prepare(&sql)?;
        for row in &t.rows {
            if row.len() != t.columns.len() {
                return Err(StoreError::Corrupt(format!(
                    "reference data: a row of {table}"
                )));
            }
            let values = row.iter().map(to_sql).collect::<StoreResult<Vec<_>>>()?;
            stmt.execute(rusqlite::params_from_iter(values))?;
        }
    }
    Ok(())
}
