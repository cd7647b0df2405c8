//! Organisations, coinsurance pools, bank–insurer agreements, settings, number sequences.

use crate::corrupt::{corrupt, parsed};
use crate::error::{StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;
use surety_domain::rate_table::{RateTable, ReferenceKind, ReferenceRate};
use surety_domain::{City, Money, PoolMember, Rate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Insurer,
    Pool,
    Bank,
    City,
}

impl OrgKind {
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Insurer => "insurer",
            OrgKind::Pool => "pool",
            OrgKind::Bank => "bank",
            OrgKind::City => "city",
        }
    }
    pub fn parse(s: &str) -> Option<OrgKind> {
        [
            OrgKind::Insurer,
            OrgKind::Pool,
            OrgKind::Bank,
            OrgKind::City,
        ]
        .into_iter()
        .find(|k| k.code() == s)
    }
    /// Insurers and pools both underwrite (承保主体).
    pub fn underwrites(self) -> bool {
        matches!(self, OrgKind::Insurer | OrgKind::Pool)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: i64,
    pub kind: OrgKind,
    pub code: String,
    pub name: String,
    pub city: Option<String>,
}

fn org_row(r: &rusqlite::Row) -> rusqlite::Result<Org> {
    let kind: String = r.get(1)?;
    let id: i64 = r.get(0)?;
    Ok(Org {
        id,
        kind: OrgKind::parse(&kind).ok_or_else(|| corrupt("organisations", id, "kind", &kind))?,
        code: r.get(2)?,
        name: r.get(3)?,
        city: r.get(4)?,
    })
}

pub fn insert_org(
    tx: &Transaction,
    kind: OrgKind,
    code: &str,
    name: &str,
    city: Option<City>,
) -> StoreResult<Org> {
    if org_by_code(tx, code)?.is_some() {
        return Err(StoreError::invalid(
            "code",
            format!("机构代码“{code}”已存在"),
            format!("an organisation with code `{code}` already exists"),
        ));
    }
    tx.execute(
        "INSERT INTO organisations (kind, code, name, city) VALUES (?1, ?2, ?3, ?4)",
        params![kind.code(), code, name, city.map(|c| c.code())],
    )?;
    Ok(Org {
        id: tx.last_insert_rowid(),
        kind,
        code: code.into(),
        name: name.into(),
        city: city.map(|c| c.code().to_string()),
    })
}

pub fn org_by_code(conn: &Connection, code: &str) -> StoreResult<Option<Org>> {
    Ok(conn
        .query_row(
            "SELECT id, kind, code, name, city FROM organisations WHERE code = ?1",
            [code],
            org_row,
        )
        .optional()?)
}

pub fn org_by_id(conn: &Connection, id: i64) -> StoreResult<Option<Org>> {
    Ok(conn
        .query_row(
            "SELECT id, kind, code, name, city FROM organisations WHERE id = ?1",
            [id],
            org_row,
        )
        .optional()?)
}

pub fn list_orgs(conn: &Connection) -> StoreResult<Vec<Org>> {
    let mut stmt =
        conn.prepare("SELECT id, kind, code, name, city FROM organisations ORDER BY kind, code")?;
    let rows = stmt.query_map([], org_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Members of a pool (insurer codes as names), or the insurer itself as a pool of one.
pub fn pool_of(conn: &Connection, underwriter: &Org) -> StoreResult<Vec<PoolMember>> {
    if underwriter.kind != OrgKind::Pool {
        return Ok(vec![PoolMember {
            insurer: underwriter.code.clone(),
            share: Decimal::ONE,
            lead: true,
        }]);
    }
    let mut stmt = conn.prepare(
        "SELECT o.code, m.share, m.is_lead FROM pool_members m JOIN organisations o ON o.id = m.insurer_id
         WHERE m.pool_id = ?1 ORDER BY m.is_lead DESC, o.code",
    )?;
    let rows = stmt.query_map([underwriter.id], |r| {
        let share: String = r.get(1)?;
        Ok(PoolMember {
            insurer: r.get::<_, String>(0)?,
            share: Decimal::from_str(&share)
                .map_err(|_| corrupt("pool_members", underwriter.id, "share", &share))?,
            lead: r.get::<_, i64>(2)? == 1,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn set_pool_members(
    tx: &Transaction,
    pool_id: i64,
    members: &[(i64, Decimal, bool)],
) -> StoreResult<()> {
    tx.execute("DELETE FROM pool_members WHERE pool_id = ?1", [pool_id])?;
    for (insurer_id, share, lead) in members {
        tx.execute(
            "INSERT INTO pool_members (pool_id, insurer_id, share, is_lead) VALUES (?1, ?2, ?3, ?4)",
            params![pool_id, insurer_id, share.to_string(), *lead as i64],
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agreement {
    pub id: i64,
    pub bank_id: i64,
    pub insurer_id: i64,
    pub city: String,
    pub insurer_share: Decimal,
    pub waiting_period_days: u32,
    /// R-CLAIM-4: days the insurer has to pay a filed claim.
    pub claim_payment_days: u32,
    /// R-AMT-1: the agreement's own cap in principle per borrower, if it sets one.
    pub borrower_soft_cap: Option<Money>,
    pub guarantee_rate: Rate,
    pub accident_rate: Rate,
    pub signed_on: String,
}

fn agreement_row(r: &rusqlite::Row) -> rusqlite::Result<Agreement> {
    let id: i64 = r.get(0)?;
    let share: String = r.get(4)?;
    Ok(Agreement {
        id,
        bank_id: r.get(1)?,
        insurer_id: r.get(2)?,
        city: r.get(3)?,
        insurer_share: Decimal::from_str(&share)
            .map_err(|_| corrupt("agreements", id, "insurer_share", &share))?,
        waiting_period_days: r.get(5)?,
        guarantee_rate: parsed("agreements", id, "guarantee_rate", &r.get::<_, String>(6)?)?,
        accident_rate: parsed("agreements", id, "accident_rate", &r.get::<_, String>(7)?)?,
        signed_on: r.get(8)?,
        claim_payment_days: r.get(9)?,
        borrower_soft_cap: r.get::<_, Option<i64>>(10)?.map(Money::from_fen),
    })
}

const AGREEMENT_COLUMNS: &str =
    "id, bank_id, insurer_id, city, insurer_share, waiting_period_days, guarantee_rate, accident_rate, signed_on, claim_payment_days, borrower_soft_cap_fen";

pub fn insert_agreement(tx: &Transaction, a: &Agreement) -> StoreResult<i64> {
    tx.execute(
        "INSERT INTO agreements (bank_id, insurer_id, city, insurer_share, waiting_period_days, guarantee_rate, accident_rate, signed_on, claim_payment_days, borrower_soft_cap_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            a.bank_id,
            a.insurer_id,
            a.city,
            a.insurer_share.to_string(),
            a.waiting_period_days,
            a.guarantee_rate.to_string(),
            a.accident_rate.to_string(),
            a.signed_on,
            a.claim_payment_days,
            a.borrower_soft_cap.map(|m| m.fen())
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn agreement_for(
    conn: &Connection,
    bank_id: i64,
    insurer_id: i64,
    city: &str,
) -> StoreResult<Option<Agreement>> {
    Ok(conn
        .query_row(
            &format!("SELECT {AGREEMENT_COLUMNS} FROM agreements WHERE bank_id = ?1 AND insurer_id = ?2 AND city = ?3"),
            params![bank_id, insurer_id, city],
            agreement_row,
        )
        .optional()?)
}

pub fn agreement_by_id(conn: &Connection, id: i64) -> StoreResult<Option<Agreement>> {
    Ok(conn
        .query_row(
            &format!("SELECT {AGREEMENT_COLUMNS} FROM agreements WHERE id = ?1"),
            [id],
            agreement_row,
        )
        .optional()?)
}

/// Every (underwriter, city) pair that has an agreement: the loss-ratio watch list.
pub fn underwriter_cities(conn: &Connection) -> StoreResult<Vec<(i64, String)>> {
    let mut stmt =
        conn.prepare("SELECT DISTINCT insurer_id, city FROM agreements ORDER BY city, insurer_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn list_agreements(conn: &Connection) -> StoreResult<Vec<Agreement>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {AGREEMENT_COLUMNS} FROM agreements ORDER BY id"
    ))?;
    let rows = stmt.query_map([], agreement_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The settings TOML (without the rate table, which lives in `reference_rates`).
pub fn load_settings_toml(conn: &Connection) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row("SELECT toml FROM settings WHERE id = 1", [], |r| r.get(0))
        .optional()?)
}

pub fn save_settings_toml(tx: &Transaction, toml: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO settings (id, toml) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET toml = excluded.toml",
        [toml],
    )?;
    Ok(())
}

pub fn load_rate_table(conn: &Connection) -> StoreResult<Option<RateTable>> {
    let mut stmt =
        conn.prepare("SELECT effective, kind, rate FROM reference_rates ORDER BY effective")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (effective, kind, rate) = row?;
        entries.push(ReferenceRate {
            effective: effective
                .parse()
                .map_err(|_| StoreError::invalid("reference_rates", "日期无效", "bad date"))?,
            kind: match kind.as_str() {
                "lpr1y" => ReferenceKind::Lpr1y,
                "pboc_benchmark" => ReferenceKind::PbocBenchmark,
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "reference_rates {effective}: column kind holds `{other}`"
                    )))
                }
            },
            rate: rate
                .parse()
                .map_err(|_| StoreError::invalid("reference_rates", "利率无效", "bad rate"))?,
        });
    }
    if entries.is_empty() {
        return Ok(None);
    }
    RateTable::new(entries)
        .map(Some)
        .map_err(|e| StoreError::invalid("reference_rates", e.clone(), e))
}

pub fn save_rate_table(tx: &Transaction, table: &RateTable) -> StoreResult<()> {
    tx.execute("DELETE FROM reference_rates", [])?;
    for e in table.entries() {
        let kind = match e.kind {
            ReferenceKind::PbocBenchmark => "pboc_benchmark",
            ReferenceKind::Lpr1y => "lpr1y",
        };
        tx.execute(
            "INSERT INTO reference_rates (effective, kind, rate) VALUES (?1, ?2, ?3)",
            params![e.effective.to_string(), kind, e.rate.to_string()],
        )?;
    }
    Ok(())
}

/// The next number of an organisation's sequence for a document kind and year (from 1).
pub fn next_number(
    tx: &Transaction,
    organisation_id: i64,
    doc_kind: &str,
    year: i32,
) -> StoreResult<u32> {
    let n: u32 = tx.query_row(
        "INSERT INTO sequences (organisation_id, doc_kind, year, next) VALUES (?1, ?2, ?3, 2)
         ON CONFLICT(organisation_id, doc_kind, year) DO UPDATE SET next = next + 1
         RETURNING next - 1",
        params![organisation_id, doc_kind, year],
        |r| r.get(0),
    )?;
    Ok(n)
}
